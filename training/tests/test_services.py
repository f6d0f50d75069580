"""Recording, verifying, sessions, CPD requests, reminders and parents' sessions: the
rules a school relies on, each tried twice where a double click could repeat it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from esafety.models import Notification, ParentLink, Role
from esafety.testing import person, sign_in
from training import parent_sessions, services
from training.models import CPDStatus, Evidence, ParentSession, TrainingRecord
from training.tests.factories import (
    PDF_BYTES,
    certificate,
    days_ago,
    parent_session,
    record,
    requirement,
)

pytestmark = pytest.mark.django_db


def test_staff_record_their_own_and_it_waits_for_verification(personas):
    p = personas
    found = record(p.teacher, requirement(p.school), days_ago(2))
    assert found.verified_at is None
    assert found.history.first().history_user == p.teacher


def test_the_officer_verifies_once_and_nobody_verifies_their_own(personas):
    p = personas
    req = requirement(p.school)
    teachers = record(p.teacher, req, days_ago(2))
    officers = record(p.esafety_officer, req, days_ago(2))
    with pytest.raises(ValidationError, match="Someone else"):
        services.verify(record=officers, by=p.esafety_officer)
    services.verify(record=teachers, by=p.esafety_officer)
    with pytest.raises(ValidationError, match="already verified"):
        services.verify(record=teachers, by=p.headteacher)
    teachers.refresh_from_db()
    assert teachers.verified_by == p.esafety_officer
    assert teachers.history.first().history_user == p.esafety_officer
    assert teachers.history.first().history_change_reason == "Verified"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (certificate("cert.pdf", b"MZ\x90\x00 not a pdf"), "it is a program, not a PDF"),
        (certificate("cert.png", b"GIF89a...."), "not a PNG image"),
        (certificate("cert.exe", b"MZ\x90\x00"), "Allowed: .jpeg, .jpg, .pdf, .png"),
        (certificate("cert.pdf", b""), "empty"),
        (certificate("cert.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024)), "larger than 5 MB"),
    ],
)
def test_certificates_are_checked_by_content_and_size(personas, upload, message):
    p = personas
    with pytest.raises(ValidationError, match=message):
        record(p.teacher, requirement(p.school), days_ago(1), certificate=upload)
    assert not TrainingRecord.objects.exists()


def test_a_certificate_is_stored_under_a_name_from_its_content(personas):
    p = personas
    png = certificate("../../evil.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")
    found = record(p.teacher, requirement(p.school), days_ago(1), certificate=png)
    assert found.certificate.name.endswith(".png")
    assert "evil" not in found.certificate.name


def test_a_certificate_requirement_needs_its_certificate(personas):
    p = personas
    req = requirement(p.school, evidence=Evidence.CERTIFICATE)
    with pytest.raises(ValidationError, match="needs its certificate"):
        record(p.teacher, req, days_ago(1))


@pytest.mark.parametrize("days_from_today", [None, 1])
def test_implausible_dates_are_refused(personas, days_from_today):
    p = personas
    day = (
        datetime.date(1999, 12, 31)
        if days_from_today is None
        else timezone.localdate() + datetime.timedelta(days=days_from_today)
    )
    with pytest.raises(ValidationError) as error:
        record(p.teacher, requirement(p.school), day)
    assert "completed_on" in error.value.message_dict


def test_the_same_training_twice_on_one_day_is_refused_with_a_message(personas):
    p = personas
    req = requirement(p.school)
    record(p.teacher, req, days_ago(1))
    with pytest.raises(ValidationError, match="already recorded"):
        record(p.teacher, req, days_ago(1))


def test_a_session_records_everyone_ticked_once_even_when_submitted_twice(personas):
    p = personas
    req = requirement(p.school)
    people = [p.teacher.pk, p.technician.pk, p.headteacher.pk]
    kwargs = dict(
        school=p.school,
        requirement=req,
        people=people,
        completed_on=days_ago(0),
        by=p.esafety_officer,
    )
    assert len(services.record_session(**kwargs)) == 3
    assert services.record_session(**kwargs) == []
    records = TrainingRecord.objects.filter(requirement=req)
    assert records.count() == 3
    assert all(r.verified_by == p.esafety_officer for r in records)
    assert records.first().history.first().history_user == p.esafety_officer


def test_a_session_refuses_people_from_outside_the_school(personas):
    p = personas
    with pytest.raises(ValidationError, match="work at the school"):
        services.record_session(
            school=p.school,
            requirement=requirement(p.school),
            people=[p.other_school_teacher.pk, p.pupil.pk],
            completed_on=days_ago(0),
            by=p.esafety_officer,
        )


def test_a_cpd_request_is_approved_into_planned_training_once(personas):
    p = personas
    cpd = services.ask_for_cpd(school=p.school, by=p.teacher, topic="Responding to sextortion")
    assert Notification.objects.filter(recipient=p.esafety_officer).exists()
    due = timezone.localdate() + datetime.timedelta(days=20)
    services.decide_cpd(request=cpd, by=p.esafety_officer, approve=True, due_on=due)
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_cpd(request=cpd, by=p.headteacher, approve=False, reason="No")
    cpd.refresh_from_db()
    assert cpd.status == CPDStatus.APPROVED
    assert (cpd.planned_record.person, cpd.planned_record.due_on) == (p.teacher, due)
    assert Notification.objects.filter(recipient=p.teacher, title__contains="approved").exists()


def test_declining_needs_a_reason_and_tells_the_person(personas):
    p = personas
    cpd = services.ask_for_cpd(school=p.school, by=p.teacher, topic="A conference")
    with pytest.raises(ValidationError) as error:
        services.decide_cpd(request=cpd, by=p.headteacher, approve=False, reason="  ")
    assert "reason" in error.value.message_dict
    services.decide_cpd(request=cpd, by=p.headteacher, approve=False, reason="Covered in INSET")
    assert Notification.objects.filter(recipient=p.teacher, title__contains="declined").exists()


def test_one_click_reminds_everyone_missing_it_and_a_second_click_sends_nothing(personas):
    p = personas
    req = requirement(p.school)
    record(p.teacher, req, days_ago(1))
    sent = services.remind_outstanding(requirement=req, by=p.esafety_officer)
    reminded = set(
        Notification.objects.filter(title__contains=req.title).values_list("recipient", flat=True)
    )
    assert sent == 3
    assert reminded == {p.headteacher.pk, p.esafety_officer.pk, p.technician.pk}
    with pytest.raises(ValidationError, match="few minutes ago"):
        services.remind_outstanding(requirement=req, by=p.esafety_officer)


def test_parents_of_the_year_groups_are_invited_once(personas):
    p = personas
    other_child = person(p.school, Role.PUPIL, year_group=9)
    other_parent = person(p.school, Role.PARENT)
    ParentLink.objects.create(parent=other_parent, child=other_child)
    session = parent_session(p)
    assert parent_sessions.invite_parents(session=session, by=p.esafety_officer) == 1
    with pytest.raises(ValidationError, match="already invited"):
        parent_sessions.invite_parents(session=session, by=p.esafety_officer)
    assert list(session.invited.all()) == [p.parent]
    assert Notification.objects.filter(recipient=p.parent).count() == 1
    assert not Notification.objects.filter(recipient=other_parent).exists()


def test_attendance_by_name_counts_the_parents(personas):
    p = personas
    session = parent_session(p, starts_in=-datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="head count or tick"):
        parent_sessions.record_attendance(session=session, by=p.esafety_officer)
    parent_sessions.record_attendance(session=session, by=p.esafety_officer, attendees=[p.parent])
    session.refresh_from_db()
    assert session.attendance_count == 1


def test_the_officer_s_own_record_from_a_session_waits_for_someone_else(personas):
    p = personas
    req = requirement(p.school)
    services.record_session(
        school=p.school,
        requirement=req,
        people=[p.esafety_officer.pk, p.teacher.pk],
        completed_on=days_ago(0),
        by=p.esafety_officer,
    )
    own = TrainingRecord.objects.get(person=p.esafety_officer)
    assert own.verified_at is None
    assert TrainingRecord.objects.get(person=p.teacher).verified_by == p.esafety_officer


def test_a_session_with_many_parents_invited_is_listed_once_and_opens(personas, client):
    """The leads see each session once, however many parents it invited (a join over
    the invited once listed it per parent, and its page failed)."""
    p = personas
    child = person(p.school, Role.PUPIL, year_group=5)
    ParentLink.objects.create(parent=person(p.school, Role.PARENT), child=child)
    session = parent_session(p, topic="Screen time")
    assert parent_sessions.invite_parents(session=session, by=p.esafety_officer) == 2
    assert list(ParentSession.objects.visible_to(p.esafety_officer)) == [session]
    assert list(ParentSession.objects.visible_to(p.parent)) == [session]
    sign_in(client, p.esafety_officer)
    page = client.get(reverse("training-parent-sessions", args=[p.school.slug]))
    assert page.content.decode().count("Screen time") == 1
    opened = client.get(reverse("training-parent-session", args=[p.school.slug, session.pk]))
    assert opened.status_code == 200
