"""The software register's review dates remind the person who approved the entry, then
the e-safety officer, each once (the sweep run twice)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from devices.models import Software
from devices.tests.test_loans import run_devices_sweep
from esafety.models import Notification

pytestmark = pytest.mark.django_db


def reminders(user, text):
    return Notification.objects.filter(recipient=user, title__contains=text).count()


def entry(personas, name, review_due, *, approved=True):
    """A software register entry for pupils, approved by the technician unless not."""
    return Software.objects.create(
        school=personas.school,
        name=name,
        purpose="Used in lessons",
        used_by="pupils",
        approved_by=personas.technician if approved else None,
        review_due=review_due,
    )


def twice(now):
    run_devices_sweep(now)
    run_devices_sweep(now + timedelta(hours=1))


def test_a_review_date_reminds_the_approver_before_and_on_it_then_the_officer(personas):
    review = timezone.localdate() + timedelta(days=40)
    entry(personas, "Times Tables Rock Stars", review)
    at = timezone.now()
    twice(at)
    assert reminders(personas.technician, "Times Tables Rock Stars") == 0
    twice(at + timedelta(days=10))  # 30 days before
    assert reminders(personas.technician, "due for review within 30 days") == 1
    twice(at + timedelta(days=40))  # the date
    assert reminders(personas.technician, "due for review today") == 1
    assert reminders(personas.esafety_officer, "review") == 0
    twice(at + timedelta(days=47))  # a week overdue: the officer
    assert reminders(personas.esafety_officer, "is a week overdue for review") == 1
    assert reminders(personas.technician, "review") == 2


def test_without_an_approver_the_officer_is_reminded_and_a_new_date_starts_again(personas):
    padlet = entry(personas, "Padlet", timezone.localdate(), approved=False)
    twice(timezone.now())
    assert reminders(personas.esafety_officer, "Padlet in the software register is due") == 1
    padlet.review_due = timezone.localdate() + timedelta(days=365)
    padlet.save()
    twice(timezone.now() + timedelta(days=365))
    assert reminders(personas.esafety_officer, "Padlet in the software register is due") == 2


def test_a_date_already_past_says_when_it_was_due_not_today_or_a_week(personas):
    due = timezone.localdate() - timedelta(days=100)
    entry(personas, "Old Quiz App", due)
    twice(timezone.now())
    on = f"{due:%-d %B %Y}"
    said = f"Old Quiz App in the software register was due for review on {on}"
    assert reminders(personas.technician, said) == 1
    assert reminders(personas.technician, "due for review today") == 0
    # The e-safety officer is told it is overdue, and since when; not "a week".
    assert reminders(personas.esafety_officer, f"is overdue for review (due on {on})") == 1
    assert reminders(personas.esafety_officer, "a week") == 0


def test_an_approver_who_may_no_longer_edit_the_register_is_not_reminded(personas):
    personas.technician.memberships.update(ended_on=timezone.localdate() - timedelta(days=1))
    entry(personas, "Scratch", timezone.localdate())
    twice(timezone.now())
    assert reminders(personas.technician, "Scratch") == 0
    assert reminders(personas.esafety_officer, "Scratch in the software register is due") == 1
