""" "Record a session" offers and accepts the same people: the school's staff in post today
(and its trust's trustees), for any past date their own "Record training" would take.

It used to offer the people in post today but accept only those in post on the session's
date, so a two-yearly course done before someone's role began in the system (the DSL's,
18 months ago) was refused: "Tick only people who work at the school"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership
from esafety.services import end_membership
from esafety.testing import sign_in
from training import services
from training.models import TrainingRecord
from training.tests.factories import record, requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_yearly(personas):
    return requirement(
        personas.school, title="Designated safeguarding lead training", renew_months=24
    )


def before_role_began(person, school):
    """A date in the last two years, before this person's role at the school began."""
    started = Membership.objects.get(user=person, school=school).started_on
    on = started - datetime.timedelta(days=60)
    assert (timezone.localdate() - on).days < 730
    return on


def test_a_session_before_a_member_of_staffs_start_date_is_recorded_like_their_own(
    client, personas, two_yearly
):
    p = personas
    on = before_role_began(p.teacher, p.school)
    sign_in(client, p.esafety_officer)
    url = reverse("training-session", args=[p.school.slug])
    page = client.get(url).content.decode()
    assert "Terry Teacher" in page  # offered
    response = client.post(
        url, {"requirement": two_yearly.pk, "completed_on": on, "people": [p.teacher.pk]}
    )
    assert response.status_code == 302, response.content.decode()
    assert TrainingRecord.objects.filter(
        person=p.teacher, requirement=two_yearly, completed_on=on
    ).exists()
    # Their own "Record training" takes the same date for the same requirement.
    assert record(p.technician, two_yearly, before_role_began(p.technician, p.school)).pk


def test_the_people_offered_are_the_people_accepted(client, personas, two_yearly):
    p = personas
    leaver = Membership.objects.get(user=p.technician, school=p.school)
    end_membership(membership=leaver, ended_on=timezone.localdate())
    offered = {person.user_id for person in services.session_people(p.school)}
    assert p.teacher.pk in offered and p.technician.pk not in offered
    assert p.other_school_teacher.pk not in offered and p.pupil.pk not in offered
    sign_in(client, p.esafety_officer)
    url = reverse("training-session", args=[p.school.slug])
    page = client.get(url).content.decode()
    assert "Terry Teacher" in page and "Tess Technician" not in page
    for outsider in (p.technician, p.other_school_teacher):
        with pytest.raises(ValidationError, match="work at the school"):
            services.record_session(
                school=p.school,
                requirement=two_yearly,
                people=[outsider.pk],
                completed_on=timezone.localdate(),
                by=p.esafety_officer,
            )
    assert not TrainingRecord.objects.exists()
