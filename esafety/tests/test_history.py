"""The audit trail: who changed what, shown where the record is managed."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety import services
from esafety.models import Membership, Role, School, User
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def visible_text(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(without_tags))


def settings_data(school, **changes):
    data = {
        "name": school.name,
        "urn": school.urn,
        "school_day_ends": school.school_day_ends.strftime("%H:%M"),
        "academic_year_start_month": school.academic_year_start_month,
        "academic_year_start_day": school.academic_year_start_day,
    }
    data.update(changes)
    return data


def test_school_settings_change_records_the_headteacher(personas, client):
    school = personas.school
    sign_in(client, personas.headteacher)
    url = reverse("school-settings", args=[school.slug])
    response = client.post(url, settings_data(school, name="Oakwood Primary School", urn="654321"))
    assert response.status_code == 302
    latest = School.history.filter(id=school.pk).latest("history_date")
    assert latest.history_user == personas.headteacher
    assert latest.history_type == "~"
    assert (latest.name, latest.urn) == ("Oakwood Primary School", "654321")


def test_settings_page_shows_who_changed_what_from_what_to_what(personas, client):
    school = personas.school
    sign_in(client, personas.headteacher)
    url = reverse("school-settings", args=[school.slug])
    client.post(url, settings_data(school, name="Oakwood Primary School", urn="654321"))
    page = visible_text(client.get(url))
    assert "Changed" in page
    assert "by Hana Head" in page
    assert "Name: Oakwood Primary → Oakwood Primary School" in page
    assert "URN: (blank) → 654321" in page


def test_creating_a_person_through_the_page_records_who_did_it(personas, client):
    sign_in(client, personas.esafety_officer)
    response = client.post(
        reverse("person-add", args=[personas.school.slug]),
        {
            "full_name": "Sam Starter",
            "email": "sam.starter@school.example",
            "role": Role.STAFF,
            "staff_type": "office",
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    sam = User.objects.get(email="sam.starter@school.example")
    created = sam.history.get(history_type="+")
    assert created.history_user == personas.esafety_officer
    membership = Membership.objects.get(user=sam)
    assert membership.history.get(history_type="+").history_user == personas.esafety_officer
    detail = visible_text(client.get(response.url))
    assert "Created" in detail
    assert "by Eddie Officer" in detail


def test_password_hashes_never_reach_user_history(
    personas, client, mailoutbox, django_capture_on_commit_callbacks
):
    history_fields = {f.name for f in User.history.model._meta.get_fields()}
    assert "password" not in history_fields
    assert "last_login" not in history_fields

    teacher = personas.teacher
    teacher.set_password("a-brand-new-password-42")
    teacher.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitation(user=teacher, invited_by=personas.esafety_officer)
    token = re.search(r"/invite/([^/\s]+)/", mailoutbox[0].body).group(1)
    invitation = services.find_invitation(token)
    services.accept_invitation(invitation=invitation, password="another-new-password-43")
    teacher.refresh_from_db()

    for row in teacher.history.values():
        for value in row.values():
            assert teacher.password not in str(value)
            assert "md5$" not in str(value)

    sign_in(client, personas.esafety_officer)
    detail = visible_text(
        client.get(reverse("person-detail", args=[personas.school.slug, teacher.pk]))
    )
    assert "Accepted invitation and set a password" in detail
    assert "Password" not in detail
    assert "md5$" not in detail


def test_yes_or_no_fields_read_as_words_in_the_history(personas):
    from django.template import Context, Template

    user = personas.teacher
    user.reminders_by_email = True
    user.save()
    user.reminders_by_email = False
    user.save()
    page = Template("{% load history %}{% history_panel obj %}").render(Context({"obj": user}))
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "yes → no" in text
    assert "True" not in text and "False" not in text
