"""Demo low-level concerns for `manage.py seed_demo`: fictional, and only when a school
has none. Hillside's volunteer has three (a pattern, one reviewed), its headteacher one
(seen by the chair of trustees only); at Brookfield a teaching assistant reports
themselves."""

import datetime

from django.utils import timezone

from esafety.models import User

from . import services
from .models import LowLevelConcern, Response


def _raise(school, by, about, text, days_ago, **extra):
    concern = services.raise_concern(
        school=school,
        by=User.objects.get(email=by),
        about=User.objects.get(email=about),
        what_happened=text,
        happened_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **extra,
    )
    LowLevelConcern.objects.filter(pk=concern.pk).update(
        reported_at=timezone.now() - datetime.timedelta(days=days_ago - 1)
    )
    concern.refresh_from_db()
    return concern


def seed(schools):
    hillside, brookfield = schools["hillside"], schools["brookfield"]
    if not LowLevelConcern.objects.filter(school=hillside).exists():
        first = _raise(
            hillside,
            "teacher@hillside.example",
            "volunteer@hillside.example",
            "Gave a Year 8 pupil his personal mobile number 'in case she needs help with "
            "homework', in the library after school.",
            120,
            context="Library, about 4pm. Two other pupils were nearby.",
        )
        services.record_response(
            concern=first,
            by=User.objects.get(email="head@hillside.example"),
            response=Response.SPOKEN_TO,
            notes="Spoke to him the next day: contact with pupils only through school "
            "channels. He said he hadn't thought about it and deleted the number.",
        )
        _raise(
            hillside,
            "esafety@hillside.example",
            "volunteer@hillside.example",
            "Seen showing the same pupil photos on his own phone during a club, sitting "
            "apart from the group.",
            40,
        )
        _raise(
            hillside,
            "teacher@hillside.example",
            "volunteer@hillside.example",
            "Followed two pupils' accounts on a social media app, and liked their posts.",
            6,
        )
        _raise(
            hillside,
            "esafety@hillside.example",
            "head@hillside.example",
            "Shared a pupil's photo from the school trip on her personal social media "
            "account, without checking the consent register.",
            10,
        )
    if not LowLevelConcern.objects.filter(school=brookfield).exists():
        _raise(
            brookfield,
            "ta@brookfield.example",
            "ta@brookfield.example",
            "I messaged a Year 6 pupil's parent from my personal phone about a reading "
            "book. I realise now I should have used the school office.",
            3,
        )
