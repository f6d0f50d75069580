"""The people pages: adding people, roles, leavers, parents, and a scoped list."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership, ParentLink, Role, User
from esafety.testing import MembershipFactory, UserFactory, person, sign_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's words: tags removed (names are wrapped in <bdi> for their direction)."""
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def person_data(**overrides):
    data = {
        "full_name": "Sam Starter",
        "email": "sam.starter@school.example",
        "date_of_birth": "",
        "role": Role.STAFF,
        "staff_type": "teacher",
        "year_group": "",
        "class_name": "",
        "external_id": "",
        "started_on": timezone.localdate().isoformat(),
        "send_invitation": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def officer(personas, client):
    sign_in(client, personas.esafety_officer)
    return client


def add_url(personas):
    return reverse("person-add", args=[personas.school.slug])


# --- adding people -------------------------------------------------------------------------


def test_add_staff_member_with_invitation(
    personas, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(add_url(personas), person_data())
    sam = User.objects.get(email="sam.starter@school.example")
    assert response.status_code == 302
    assert response.url == reverse("person-detail", args=[personas.school.slug, sam.pk])
    membership = sam.memberships.get()
    assert (membership.school, membership.role, membership.staff_type) == (
        personas.school,
        Role.STAFF,
        "teacher",
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam.starter@school.example"]
    assert "/invite/" in mailoutbox[0].body
    detail = officer.get(response.url)
    assert "Sam Starter was added and invited by email." in text(detail)


def test_add_pupil_without_email(personas, officer, mailoutbox, django_capture_on_commit_callbacks):
    data = person_data(full_name="Pip Young", email="", role=Role.PUPIL, staff_type="")
    data["year_group"] = "0"
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(add_url(personas), data)
    assert response.status_code == 302
    pip = User.objects.get(full_name="Pip Young")
    assert pip.email is None
    assert not pip.has_usable_password()
    membership = pip.memberships.get()
    assert (membership.role, membership.year_group, membership.key_stage) == (
        Role.PUPIL,
        0,
        "EYFS",
    )
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"staff_type": ""}, "staff_type", "Choose what kind of staff member this is."),
        (
            {"email": "TERRY@example.invalid"},
            "email",
            "Someone already has this email address.",
        ),
        ({"email": "", "role": Role.PARENT, "staff_type": ""}, "email", "Adults need an email"),
        ({"role": Role.PUPIL, "staff_type": ""}, "year_group", "Choose the pupil's year group."),
    ],
    ids=["staff-without-type", "duplicate-email", "adult-without-email", "pupil-without-year"],
)
def test_add_person_form_errors(personas, officer, mailoutbox, overrides, field, message):
    personas.teacher.email = "terry@example.invalid"
    personas.teacher.save()
    people_before = User.objects.count()
    roles_before = Membership.objects.count()
    response = officer.post(add_url(personas), person_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert message in text(response)
    assert User.objects.count() == people_before
    assert Membership.objects.count() == roles_before
    assert mailoutbox == []


# --- roles ---------------------------------------------------------------------------------


def test_give_a_second_role(personas, officer):
    url = reverse("membership-add", args=[personas.school.slug, personas.teacher.pk])
    response = officer.post(
        url,
        {
            "role": Role.TECHNICIAN,
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    roles = set(
        Membership.objects.active().filter(user=personas.teacher).values_list("role", flat=True)
    )
    assert roles == {Role.STAFF, Role.TECHNICIAN}


def test_the_same_role_twice_is_refused(personas, officer):
    url = reverse("membership-add", args=[personas.school.slug, personas.teacher.pk])
    response = officer.post(
        url,
        {"role": Role.STAFF, "staff_type": "office", "started_on": timezone.localdate()},
    )
    assert response.status_code == 200
    assert "already has that role in this school" in text(response)
    assert personas.teacher.memberships.count() == 1


def end_url(personas, membership):
    return reverse("membership-end", args=[personas.school.slug, membership.pk])


def test_ending_a_role_stops_its_access_but_keeps_the_person(personas, officer, client):
    head = personas.headteacher
    membership = head.memberships.get()
    today = timezone.localdate()
    response = officer.post(end_url(personas, membership), {"ended_on": today.isoformat()})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on == today

    client.logout()
    sign_in(client, head)
    people = client.get(reverse("people", args=[personas.school.slug]))
    assert people.status_code in (403, 404)
    assert User.objects.filter(pk=head.pk, is_active=True).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_end_date_before_the_start_is_refused(personas, officer):
    membership = personas.teacher.memberships.get()
    before = membership.started_on - datetime.timedelta(days=1)
    response = officer.post(end_url(personas, membership), {"ended_on": before.isoformat()})
    assert response.status_code == 200
    assert "The end date can't be before the role started." in text(response)
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_link_a_parent_to_a_child(personas, officer):
    child = person(personas.school, Role.PUPIL, name="Kit Second")
    url = reverse("parent-link-add", args=[personas.school.slug, personas.parent.pk])
    response = officer.post(url, {"child": child.pk, "relationship": "father"})
    assert response.status_code == 302
    link = ParentLink.objects.get(parent=personas.parent, child=child)
    assert link.relationship == "father"
    detail = officer.get(response.url)
    assert "Kit Second (father)" in text(detail)


def test_a_child_from_another_school_cannot_be_linked(personas, officer):
    elsewhere = person(personas.other_school, Role.PUPIL, name="Remy Remote")
    url = reverse("parent-link-add", args=[personas.school.slug, personas.parent.pk])
    response = officer.post(url, {"child": elsewhere.pk, "relationship": "father"})
    assert response.status_code == 200
    assert not ParentLink.objects.filter(child=elsewhere).exists()


# --- the people list ---------------------------------------------------------------------


def people_page(client, personas, **params):
    response = client.get(reverse("people", args=[personas.school.slug]), params)
    assert response.status_code == 200
    return {m.user.full_name for m in response.context["page"].object_list}


def test_people_list_shows_only_this_schools_people(personas, officer):
    names = people_page(officer, personas)
    assert {"Hana Head", "Terry Teacher", "Poppy Pupil", "Pat Parent"} <= names
    assert "Olly Othersch" not in names
    assert "Orla Otherhead" not in names
    assert "Tara Trustee" not in names


def test_people_list_of_another_school_is_not_found(personas, officer):
    response = officer.get(reverse("people", args=[personas.other_school.slug]))
    assert response.status_code == 404


def test_people_list_search(personas, officer):
    assert people_page(officer, personas, q="terry") == {"Terry Teacher"}
    assert people_page(officer, personas, q="Othersch") == set()


def test_people_list_role_filter(personas, officer):
    person(personas.school, Role.PUPIL, name="Quinn Second")
    assert people_page(officer, personas, role=Role.PUPIL) == {"Poppy Pupil", "Quinn Second"}


def test_people_list_hides_leavers_unless_asked(personas, officer):
    leaver = person(personas.school, Role.STAFF, name="Lee Leaver")
    Membership.objects.filter(user=leaver).update(ended_on=timezone.localdate())
    assert "Lee Leaver" not in people_page(officer, personas)
    assert "Lee Leaver" in people_page(officer, personas, show_ended="on")


# --- query count -----------------------------------------------------------------------------

# One people-list page: session, user, 2FA device, roles (2), the school, the count and the
# page of memberships with their people, the navigation (3), the session save (3). If this
# changes, check the list did not start querying once per row.
PEOPLE_LIST_QUERIES = 12  # the session is read from the cache


def add_pupils(school, count):
    for n in range(count):
        MembershipFactory(
            school=school,
            role=Role.PUPIL,
            user=UserFactory(full_name=f"Pupil {n:03d}"),
            class_name="Oak",
        )


@pytest.mark.parametrize("pupils", [5, 60])
def test_people_list_query_count_does_not_grow(
    personas, officer, django_assert_num_queries, pupils
):
    add_pupils(personas.school, pupils)
    url = reverse("people", args=[personas.school.slug])
    with django_assert_num_queries(PEOPLE_LIST_QUERIES):
        response = officer.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(50, pupils + 6)
