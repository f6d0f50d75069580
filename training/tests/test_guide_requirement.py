"""Training met by walking a "What to do if..." guide to its end: the walk (recorded by
the incidents app) makes a record for each of the school's requirements naming that
guide, once a day, and the person's standing on it is done."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from training import services
from training.models import Evidence, TrainingRecord
from training.status import DONE, MISSING, school_standings
from training.tests.factories import requirement

pytestmark = pytest.mark.django_db


def walk_it(p, person, slug="illegal-use", school=None):
    return services.record_guide_walked(
        person=person, school=school or p.school, guide_slug=slug, walked_on=timezone.localdate()
    )


def standing_of(p, person, req):
    found = school_standings([p.school.pk], timezone.localdate(), user_id=person.pk)
    return found[p.school.pk].cells[(person.pk, req.pk)].status


def test_walking_the_guide_meets_the_requirement_once_a_day(personas):
    p = personas
    req = requirement(p.school, evidence=Evidence.GUIDE, guide_slug="illegal-use")
    assert standing_of(p, p.teacher, req) == MISSING
    made = walk_it(p, p.teacher)
    assert [r.requirement for r in made] == [req]
    assert walk_it(p, p.teacher) == []  # walked again the same day: one record
    record = TrainingRecord.objects.get(person=p.teacher)
    assert record.recorded_by == p.teacher and record.verified_at is None
    assert record.history.first().history_user == p.teacher
    assert standing_of(p, p.teacher, req) == DONE


def test_only_the_schools_active_requirements_for_that_guide_are_met(personas):
    p = personas
    requirement(p.school, evidence=Evidence.GUIDE, guide_slug="what-do-we-do-if")
    requirement(p.school, evidence=Evidence.GUIDE, guide_slug="illegal-use", is_active=False)
    requirement(p.school, evidence=Evidence.ATTENDANCE, guide_slug="illegal-use")
    requirement(p.other_school, evidence=Evidence.GUIDE, guide_slug="illegal-use")
    assert walk_it(p, p.teacher) == []
    assert not TrainingRecord.objects.exists()


def test_a_requirement_met_by_a_guide_names_the_guide(personas):
    p = personas
    with pytest.raises(ValidationError) as error:
        requirement(p.school, by=p.esafety_officer, evidence=Evidence.GUIDE)
    assert "guide_slug" in error.value.message_dict
    made = requirement(
        p.school, by=p.esafety_officer, evidence=Evidence.GUIDE, guide_slug="illegal-use"
    )
    assert made.pk


def test_the_requirement_form_names_the_guide(personas, client):
    from django.urls import reverse

    from esafety.testing import sign_in
    from training.models import Requirement

    sign_in(client, personas.esafety_officer)
    path = reverse("training-requirement-add", args=[personas.school.slug])
    sent = {
        "title": "Walk the illegal use guide",
        "covers": "What to do with suspected illegal material.",
        "audience_roles": ["staff"],
        "renew_months": 12,
        "evidence": Evidence.GUIDE,
        "guide_slug": "illegal-use",
        "is_active": "on",
    }
    reply = client.post(path, sent)
    assert reply.status_code == 302, reply.content.decode()[:2000]
    assert Requirement.objects.get(title=sent["title"]).guide_slug == "illegal-use"
