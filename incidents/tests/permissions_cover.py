"""Safeguarding cover in the permission matrix: everyone on the school's staff reads who
leads today; its headteacher and e-safety officer record absences; its headteacher names
the designated lead. Pupils, parents and trustees are refused; another school's people
don't find the page."""

import datetime
import itertools

from django.utils import timezone

from esafety.testing import Route, expect, school_managers_only
from incidents import cover

STAFF = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    technician=200,
    teacher=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)
HEAD_ONLY = expect(403, headteacher=200, other_school_teacher=404, other_school_headteacher=404)
# Each post a day later, so a second lead's post is not refused as already recorded.
_days_ahead = itertools.count()


def school(p):
    return {"slug": p.school.slug}


def an_absence(p):
    today = timezone.localdate()
    absence = cover.record_absence(
        school=p.school,
        person=p.esafety_officer,
        away_from=today - datetime.timedelta(days=1),
        away_to=today + datetime.timedelta(days=1),
        by=p.headteacher,
    )
    return {"slug": p.school.slug, "pk": absence.pk}


def absence_form(p):
    day = timezone.localdate() + datetime.timedelta(days=next(_days_ahead) % 300)
    return {"person": p.headteacher.pk, "away_from": day, "away_to": day, "note": "Course"}


ROUTES = [
    Route("safeguarding-cover", STAFF, school),
    Route("cover-absence", school_managers_only(), school),
    Route("cover-absence", school_managers_only(302), school, method="post", data=absence_form),
    Route("cover-absence-end", expect(405), an_absence),
    Route("cover-absence-end", school_managers_only(302), an_absence, method="post"),
    Route("cover-lead", HEAD_ONLY, school),
    Route(
        "cover-lead",
        {**HEAD_ONLY, "headteacher": 302},
        school,
        method="post",
        data=lambda p: {"lead": p.esafety_officer.pk},
    ),
]
