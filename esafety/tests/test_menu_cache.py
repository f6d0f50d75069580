"""The menu is kept in the cache between pages (esafety.menu.navigation_for), yet always
shows what the person may use now: a role granted or ended, a trusteeship, a move to the
school office or a school's new name shows on the very next page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership, Role, StaffType, TrusteeMembership
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def _menus(client):
    nav = client.get(reverse("home")).context["nav"]
    return {m.title: [(link.label, link.school) for link in m.links] for m in nav["menus"]}


def _page(client):
    return client.get(reverse("home")).content.decode()


def test_a_role_granted_then_ended_shows_on_the_next_page(personas, client):
    teacher = personas.teacher
    sign_in(client, teacher)
    assert "People" not in _menus(client)
    assert "Import from CSV" not in _page(client)

    membership = Membership.objects.create(
        user=teacher, school=personas.school, role=Role.ESAFETY_OFFICER
    )
    assert "People" in _menus(client)
    assert "Import from CSV" in _page(client)

    membership.ended_on = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()
    assert "People" not in _menus(client)
    assert "Import from CSV" not in _page(client)


def test_a_trusteeship_granted_then_removed_shows_on_the_next_page(personas, client):
    parent = personas.parent
    sign_in(client, parent)
    assert "Trust overview" not in _menus(client)
    held = TrusteeMembership.objects.create(user=parent, trust=personas.school.trust)
    assert "Trust overview" in _menus(client)
    held.delete()
    assert "Trust overview" not in _menus(client)


def test_moving_to_the_school_office_shows_the_devices_held_there(personas, client):
    """Not a role: the devices app registers it with `menu_depends_on`."""
    teacher = personas.teacher
    sign_in(client, teacher)
    held = ("Devices held in the office", "")
    assert held not in _menus(client).get("Devices", [])
    Membership.objects.filter(user=teacher, role=Role.STAFF).update(staff_type=StaffType.OFFICE)
    assert held in _menus(client)["Devices"]


def test_a_schools_new_name_shows_in_the_menu(personas, client):
    officer = personas.esafety_officer
    Membership.objects.create(user=officer, school=personas.other_school, role=Role.HEADTEACHER)
    sign_in(client, officer)
    assert ("People", personas.school.name) in _menus(client)["People"]
    personas.school.name = "Oakwood Academy"
    personas.school.save()
    assert ("People", "Oakwood Academy") in _menus(client)["People"]
    assert "People (Oakwood Academy)" in _page(client)
