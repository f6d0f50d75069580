"""Who holds which role, and what that lets them see."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from esafety.models import Membership, Role, School, TrusteeMembership, User, key_stage_for
from esafety.roles import (
    access_for,
    allowed,
    forget_access,
    home_roles,
    managed_school_ids,
    requires_two_factor,
    visible_school_ids,
)
from esafety.testing import SchoolFactory, TrustFactory, person, trustee

pytestmark = pytest.mark.django_db


def test_a_person_can_be_headteacher_and_esafety_officer(personas):
    both = person(personas.school, Role.HEADTEACHER, Role.ESAFETY_OFFICER, name="Dual Role")
    assert access_for(both).roles_by_school == {
        personas.school.pk: frozenset({Role.HEADTEACHER, Role.ESAFETY_OFFICER})
    }
    assert home_roles(both) == [Role.HEADTEACHER, Role.ESAFETY_OFFICER]
    assert allowed(both, "esafety.manage_school_settings", personas.school)
    assert allowed(both, "esafety.manage_people", personas.school)


def test_ended_membership_grants_nothing(personas):
    head = personas.headteacher
    Membership.objects.filter(user=head).update(ended_on=timezone.localdate())
    forget_access(head)
    assert access_for(head).roles_by_school == {}
    assert visible_school_ids(head) == set()
    assert managed_school_ids(head) == set()
    assert not allowed(head, "esafety.manage_people", personas.school)
    assert not allowed(head, "esafety.view_school", personas.school)
    assert not requires_two_factor(head)


def test_membership_ending_tomorrow_still_counts_today(personas):
    head = personas.headteacher
    Membership.objects.filter(user=head).update(
        ended_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    forget_access(head)
    assert visible_school_ids(head) == {personas.school.pk}


def test_membership_starting_tomorrow_grants_nothing_yet(personas):
    starter = person(personas.school, Role.HEADTEACHER)
    Membership.objects.filter(user=starter).update(
        started_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert visible_school_ids(starter) == set()


def test_ended_trusteeship_grants_nothing(personas):
    TrusteeMembership.objects.filter(user=personas.trustee).update(ended_on=timezone.localdate())
    assert visible_school_ids(personas.trustee) == set()
    assert not allowed(personas.trustee, "esafety.view_trust_overview")


def test_trustee_sees_every_school_in_their_trust_only(personas):
    third = SchoolFactory(trust=personas.school.trust, name="Ashgrove Academy")
    elsewhere = SchoolFactory(trust=TrustFactory(name="Another Trust"))
    expected = {personas.school.pk, personas.other_school.pk, third.pk}
    assert visible_school_ids(personas.trustee) == expected
    assert set(School.objects.visible_to(personas.trustee)) == {
        personas.school,
        personas.other_school,
        third,
    }
    assert elsewhere.pk not in visible_school_ids(personas.trustee)
    assert allowed(personas.trustee, "esafety.view_school", third)
    assert not allowed(personas.trustee, "esafety.view_school", elsewhere)
    # Seeing a school is not managing it.
    assert not allowed(personas.trustee, "esafety.manage_people", personas.school)


def test_chair_is_identified(personas):
    assert home_roles(personas.chair) == ["chair"]
    assert home_roles(personas.trustee) == ["trustee"]
    assert access_for(personas.chair).chair_trust_ids == frozenset({personas.school.trust_id})
    assert access_for(personas.trustee).chair_trust_ids == frozenset()


def test_superuser_without_a_role_may_not_manage_people(personas):
    admin = User.objects.create_superuser("admin@school.example", "a-long-admin-password")
    assert admin.has_perm("esafety.manage_people", personas.school)  # Django's shortcut...
    assert not allowed(admin, "esafety.manage_people", personas.school)  # ...is not used
    assert not allowed(admin, "esafety.view_school", personas.school)
    assert visible_school_ids(admin) == set()


def test_memberships_visible_to_a_manager_are_their_schools(personas):
    visible = Membership.objects.visible_to(personas.esafety_officer)
    schools = set(visible.values_list("school_id", flat=True))
    assert schools == {personas.school.pk}
    assert visible.filter(user=personas.teacher).exists()
    assert not visible.filter(user=personas.other_school_teacher).exists()
    assert visible.count() == Membership.objects.filter(school=personas.school).count()


def test_memberships_visible_to_others_are_their_own(personas):
    visible = Membership.objects.visible_to(personas.teacher)
    assert list(visible.values_list("user_id", flat=True)) == [personas.teacher.pk]


@pytest.mark.parametrize(
    ("year_group", "key_stage"),
    [(0, "EYFS"), (2, "KS1"), (6, "KS2"), (9, "KS3"), (11, "KS4"), (13, "KS5"), (None, "")],
)
def test_key_stage_from_year_group(year_group, key_stage):
    assert key_stage_for(year_group) == key_stage
    assert Membership(role=Role.PUPIL, year_group=year_group).key_stage == key_stage


@pytest.mark.parametrize(
    ("on", "start"),
    [
        (datetime.date(2026, 8, 31), datetime.date(2025, 9, 1)),
        (datetime.date(2026, 9, 1), datetime.date(2026, 9, 1)),
        (datetime.date(2026, 12, 15), datetime.date(2026, 9, 1)),
        (datetime.date(2027, 1, 4), datetime.date(2026, 9, 1)),
    ],
)
def test_academic_year_start(on, start):
    school = School(academic_year_start_month=9, academic_year_start_day=1)
    assert school.academic_year_start(on) == start


def test_only_one_open_chair_per_trust(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        trustee(personas.school.trust, chair=True, name="Second Chair")


def test_a_new_chair_after_the_old_one_ends(personas):
    TrusteeMembership.objects.filter(user=personas.chair).update(ended_on=timezone.localdate())
    new_chair = trustee(personas.school.trust, chair=True, name="New Chair")
    assert home_roles(new_chair) == ["chair"]


def test_roles_in_another_school_give_nothing_here(personas):
    assert not allowed(personas.other_school_headteacher, "esafety.manage_people", personas.school)
    assert personas.school.pk not in visible_school_ids(personas.other_school_headteacher)
