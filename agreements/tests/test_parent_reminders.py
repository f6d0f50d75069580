"""Parents are asked to read and sign by email, then reminded weekly up to the limit:
the title and the school, a link, the school's contact line, nothing about the child or
the text; a parent who chose reminders only in the app gets no email."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from agreements.models import SignRequest
from agreements.tests.permissions_sign import parent_document
from esafety.models import Notification, ParentLink, Role
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Our secret agreement text"


@pytest.fixture
def contact_line(personas):
    personas.school.contact_line = "Questions? Call the office on 01632 960000."
    personas.school.save()
    return personas.school.contact_line


def ask_parent(personas, capture):
    """Publishing the parent agreement asks the parent (after the commit)."""
    with capture(execute=True):
        return parent_document(personas)


def to_parent(mailoutbox, personas):
    return [m for m in mailoutbox if m.to == [personas.parent.email]]


def agreement_jobs():
    return {k: v for k, v in registered_jobs().items() if k.startswith("agreements.")}


def sweep_weekly(request, capture, weeks):
    for week in range(1, weeks + 1):
        moment = request.created_at + datetime.timedelta(days=7 * week, minutes=1)
        with time_machine.travel(moment, tick=False), capture(execute=True):
            run_sweeps(jobs=agreement_jobs())


def test_the_parent_is_emailed_the_title_school_link_and_contact_line_only(
    personas, mailoutbox, django_capture_on_commit_callbacks, contact_line
):
    ask_parent(personas, django_capture_on_commit_callbacks)
    [email] = to_parent(mailoutbox, personas)
    html = email.alternatives[0][0]
    assert email.subject == "Please read and sign: Parent agreement (Oakwood Primary)"
    for part in (email.body, html):
        assert "Parent agreement" in part and "Oakwood Primary" in part
        assert "/agreements/to-sign/" in part
        assert contact_line in part
        assert "Poppy" not in part and "Agreement" not in part.replace("agreement", "")
        assert reverse("account") in part  # where to choose reminders in the app only


def test_weekly_reminders_are_emailed_and_stop_at_the_limit(
    personas, mailoutbox, django_capture_on_commit_callbacks, contact_line
):
    version = ask_parent(personas, django_capture_on_commit_callbacks)
    version.document.reminder_limit = 3
    version.document.save()
    request = SignRequest.objects.get(person=personas.parent)
    sweep_weekly(request, django_capture_on_commit_callbacks, weeks=6)
    emails = to_parent(mailoutbox, personas)
    assert [m.subject.split(":")[0] for m in emails] == ["Please read and sign"] + ["Reminder"] * 3
    for email in emails[1:]:
        assert "still waiting for you to read and sign" in email.body
        assert contact_line in email.body and "Poppy" not in email.body


def test_a_parent_who_chose_the_app_only_gets_no_email_but_the_notification(
    personas, client, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, personas.parent)
    client.post(reverse("account-reminders"), {})  # the box unticked
    personas.parent.refresh_from_db()
    assert not personas.parent.reminders_by_email
    ask_parent(personas, django_capture_on_commit_callbacks)
    request = SignRequest.objects.get(person=personas.parent)
    sweep_weekly(request, django_capture_on_commit_callbacks, weeks=2)
    assert to_parent(mailoutbox, personas) == []
    titles = Notification.objects.filter(recipient=personas.parent).values_list("title", flat=True)
    assert sorted(titles) == [
        "Please read and sign: Parent agreement (Oakwood Primary)",
        "Reminder: please read and sign Parent agreement (Oakwood Primary)",
        "Reminder: please read and sign Parent agreement (Oakwood Primary)",
    ]


def test_a_parent_of_two_gets_one_reminder_a_week_not_one_per_child(
    personas, mailoutbox, django_capture_on_commit_callbacks, contact_line
):
    sam = person(personas.school, Role.PUPIL, name="Sam Second")
    ParentLink.objects.create(parent=personas.parent, child=sam, relationship="mother")
    version = ask_parent(personas, django_capture_on_commit_callbacks)
    version.document.reminder_limit = 2
    version.document.save()
    requests = SignRequest.objects.filter(person=personas.parent)
    assert requests.count() == 2
    sweep_weekly(requests.first(), django_capture_on_commit_callbacks, weeks=4)
    subjects = [m.subject.split(":")[0] for m in to_parent(mailoutbox, personas)]
    assert subjects == ["Please read and sign", "Reminder", "Reminder"]
    # Each child's item still counts its own reminders (the register shows them).
    assert sorted(requests.values_list("reminders_sent", flat=True)) == [2, 2]
    reminders_in_app = Notification.objects.filter(
        recipient=personas.parent, title__startswith="Reminder"
    )
    assert reminders_in_app.count() == 2
