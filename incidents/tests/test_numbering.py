"""Concerns about staff and the headteacher are numbered in their own series, so a
headteacher's visible numbers have no gaps where a hidden record sits; an incident's
number is shown one way everywhere (Incident.reference, with the school's letters): on
every page, notification, PDF and CSV, so it never reads as two numbers."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from esafety.models import Notification
from esafety.testing import sign_in
from incidents import services
from incidents.models import Incident, Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def test_the_heads_visible_numbers_have_no_gaps(personas):
    for subject in (Subject.PUPIL, Subject.PUPIL, Subject.HEADTEACHER, Subject.PUPIL):
        report(personas.school, personas.teacher, subject=subject)
    seen = Incident.objects.visible_to(personas.headteacher).order_by("reported_at")
    numbers = [int(n.rsplit("-", 1)[1]) for n in seen.values_list("number", flat=True)]
    assert numbers == [1, 2, 3]


def test_concerns_about_staff_have_their_own_series(personas):
    pupil = report(personas.school, personas.teacher)
    staff = report(personas.school, personas.teacher, subject=Subject.STAFF)
    head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    year = pupil.number.split("-")[0]
    assert pupil.number == f"{year}-0001"
    assert (staff.number, head.number) == (f"{year}-A001", f"{year}-A002")


def test_each_school_counts_on_its_own(personas):
    first = report(personas.school, personas.teacher)
    other = report(personas.other_school, personas.other_school_teacher)
    assert first.number == other.number


def test_references_carry_the_schools_letters(personas):
    personas.school.code = "OAK"
    personas.school.save()
    incident = report(personas.school, personas.teacher)
    assert incident.reference == f"OAK-{incident.number}"
    assert str(incident) == f"Incident OAK-{incident.number}"
    personas.other_school.code = ""
    other = report(personas.other_school, personas.other_school_teacher)
    assert other.reference.startswith("ELM-")
    assert report(personas.school, personas.teacher, submit=False).reference == ""


def test_the_trust_queue_shows_school_letters(personas, client, trust_lead):
    personas.school.code = "OAK"
    personas.school.save()
    incident = report(personas.school, personas.teacher)
    sign_in(client, trust_lead)
    page = client.get(reverse("incident-queue")).content.decode()
    assert f"OAK-{incident.number}" in page


def shown_bare(text: str, incident) -> bool:
    """The number without the school's letters in front of it."""
    return re.search(rf"(?<![A-Z]-){re.escape(incident.number)}", text) is not None


def test_one_way_on_every_page_notification_pdf_and_csv(personas, client):
    personas.school.code = "OAK"
    personas.school.save()
    incident = report(personas.school, personas.teacher)
    services.add_timeline_entry(
        incident=incident,
        by=personas.esafety_officer,
        text="Speak to the class",
        owner=personas.teacher,
        due_on=datetime.date.today() - datetime.timedelta(days=2),
    )
    reference = f"OAK-{incident.number}"
    assert incident.reference == reference
    sign_in(client, personas.esafety_officer)
    action = incident.timeline.get(kind="action")
    pages = {
        "queue": reverse("incident-queue"),
        "incident": incident.get_absolute_url(),
        "step": reverse("incident-action", args=[incident.pk, "note"]),
        "home": reverse("home"),
        "action": action.get_absolute_url(),
        "chronology": reverse("pupil-chronology", args=[personas.school.slug, personas.pupil.pk]),
    }
    services.add_person(
        incident=incident,
        by=personas.esafety_officer,
        person=personas.pupil,
        kind="pupil",
        part="target",
    )
    for name, url in pages.items():
        page = client.get(url).content.decode()
        assert reference in page, name
        assert not shown_bare(page, incident), name
    pdf = client.get(reverse("incident-pdf", args=[incident.pk]))
    assert f"incident-{reference}.pdf" in pdf["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert reference in text and not shown_bare(text, incident)
    csv_text = client.get(reverse("incident-export", args=[personas.school.slug])).content
    assert f"\r\n{reference}," in csv_text.decode("utf-8-sig")
    titles = Notification.objects.values_list("title", flat=True)
    assert titles and all(reference in t and not shown_bare(t, incident) for t in titles)
    client.logout()
    sign_in(client, personas.teacher)
    for url in (reverse("my-incidents"), incident.get_absolute_url(), reverse("my-actions")):
        page = client.get(url).content.decode()
        assert reference in page and not shown_bare(page, incident), url


def test_the_queue_finds_an_incident_by_the_reference_as_shown(personas, client):
    personas.school.code = "OAK"
    personas.school.save()
    wanted = report(personas.school, personas.teacher, description="The one we want")
    report(personas.school, personas.teacher, description="Another")
    sign_in(client, personas.esafety_officer)
    for typed in (wanted.reference, wanted.reference.lower(), wanted.number):
        page = client.get(reverse("incident-queue"), {"q": typed}).content.decode()
        assert "1 incident matches" in page and "The one we want" in page, typed
    page = client.get(reverse("incident-queue"), {"q": f"XYZ-{wanted.number}"}).content.decode()
    assert "0 incidents match" in page
