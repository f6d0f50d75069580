"""The leaver checklist: made when a staff role ends (by hand or by the MIS sync), once;
devices returned with the PIN removed and a factory reset; reminders and escalation."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from devices import leavers
from devices.models import LeaverChecklist
from devices.tests import factories
from esafety.models import Membership, Notification, Role
from esafety.services import add_membership, end_membership
from esafety.signals import people_left
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def membership(personas, user, role=None):
    rows = Membership.objects.filter(user=user, school=personas.school)
    return rows.get(role=role) if role else rows.get()


def end(personas, user, on=None, capture=None, **kwargs):
    on = on or timezone.localdate()
    with capture(execute=True):
        end_membership(membership=membership(personas, user), ended_on=on, **kwargs)


def run_leaver_sweep(now):
    jobs = {n: j for n, j in registered_jobs().items() if n.startswith("devices.leaver")}
    return run_sweeps(now=now, jobs=jobs)


def test_ending_a_staff_role_by_hand_makes_one_checklist(
    personas, django_capture_on_commit_callbacks
):
    on = timezone.localdate() + timedelta(days=5)
    end(personas, personas.teacher, on, django_capture_on_commit_callbacks, destination="Elm")
    checklist = LeaverChecklist.objects.get(person=personas.teacher)
    assert (checklist.school, checklist.ended_on, checklist.destination) == (
        personas.school,
        on,
        "Elm",
    )
    assert checklist.escalate_on == leavers.escalation_date(personas.school, on) > on
    # The signal again (a second click, a sync the same day): still one checklist.
    m = membership(personas, personas.teacher)
    people_left.send(sender=None, school=personas.school, memberships={m.pk: ""}, ended_on=on)
    assert LeaverChecklist.objects.filter(person=personas.teacher).count() == 1
    assert checklist.history.count() == 1


def test_no_checklist_for_pupils_or_parents(personas, django_capture_on_commit_callbacks):
    end(personas, personas.pupil, capture=django_capture_on_commit_callbacks)
    end(personas, personas.parent, capture=django_capture_on_commit_callbacks)
    assert not LeaverChecklist.objects.exists()


def test_someone_still_staff_at_the_school_is_not_a_leaver(
    personas, django_capture_on_commit_callbacks
):
    add_membership(user=personas.teacher, school=personas.school, role=Role.TECHNICIAN)
    with django_capture_on_commit_callbacks(execute=True):
        end_membership(
            membership=membership(personas, personas.teacher, Role.STAFF),
            ended_on=timezone.localdate(),
        )
    assert not LeaverChecklist.objects.exists()


def test_the_mis_sync_makes_a_checklist_for_a_staff_leaver(personas):
    from unittest import mock

    from roster import services
    from roster.models import Kind, RosterSource
    from roster.tests import bundles

    source = RosterSource.objects.create(
        school=personas.school, kind=Kind.BUNDLE, max_leavers_percent=20
    )

    def upload(data):
        return services.sync_bundle(
            school=personas.school, data=data, filename="or.zip", by=personas.headteacher
        )

    services.approve_run(run=upload(bundles.bundle_11()), by=personas.headteacher)
    source.refresh_from_db()
    users = [u for u in bundles.USERS_11 if not u.startswith("tch-002")]
    with mock.patch("django.db.transaction.on_commit", lambda f, **kw: f()):
        run = upload(bundles.bundle_11(users))
        upload(bundles.bundle_11(users))  # the next sync: nothing new
    assert run.left == 1
    walsh = Membership.objects.get(external_id="tch-002")
    checklist = LeaverChecklist.objects.get()
    assert (checklist.person, checklist.ended_on) == (walsh.user, timezone.localdate())


def test_a_loan_comes_back_with_pin_removed_and_factory_reset(
    personas, client, django_capture_on_commit_callbacks
):
    loan = factories.lend(personas, borrower=personas.teacher, hand_over=True)
    end(personas, personas.teacher, capture=django_capture_on_commit_callbacks)
    checklist = LeaverChecklist.objects.get()
    sign_in(client, personas.technician)
    page = client.get(checklist.get_absolute_url()).content.decode()
    return_url = reverse("loan-return", args=[loan.pk])
    assert return_url in page and "To return" in page
    assert "Training records and signed agreements" in page
    ticks = {"condition": "good", "accessories_returned": "on", "accounts_cleared": "on"}
    response = client.post(return_url, {**ticks, "factory_reset": "on"})
    assert response.status_code == 302
    page = client.get(checklist.get_absolute_url()).content.decode()
    assert "PIN / passcode removed and factory reset." in page
    assert page.count("To return") == 0


def test_complete_once_when_everything_is_done(
    personas, client, django_capture_on_commit_callbacks
):
    end(personas, personas.teacher, capture=django_capture_on_commit_callbacks)
    checklist = LeaverChecklist.objects.get()
    sign_in(client, personas.technician)
    done_url = reverse("leaver-complete", args=[checklist.pk])
    client.post(done_url)
    checklist.refresh_from_db()
    assert checklist.completed_at is None  # the other accounts are not closed yet
    today = timezone.localdate().isoformat()
    accounts = {"email_closed_on": today, "mis_closed_on": today, "filtering_closed_on": today}
    response = client.post(reverse("leaver-accounts", args=[checklist.pk]), accounts)
    assert response.status_code == 302
    first, second = client.post(done_url), client.post(done_url)
    assert first.status_code == second.status_code == 302
    checklist.refresh_from_db()
    assert checklist.completed_by == personas.technician
    reasons = list(checklist.history.values_list("history_change_reason", flat=True))
    assert reasons.count("Checklist complete") == 1
    assert checklist.history.first().history_user == personas.technician


def test_a_future_end_date_is_in_the_list_and_the_technicians_panel(
    personas, client, django_capture_on_commit_callbacks
):
    on = timezone.localdate() + timedelta(days=3)
    end(personas, personas.teacher, on, django_capture_on_commit_callbacks)
    sign_in(client, personas.technician)
    page = client.get(reverse("leaver-checklists", args=[personas.school.slug]))
    assert "Terry Teacher" in page.content.decode() and "coming" in page.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "Leavers&#x27; checklists" in home or "Leavers' checklists" in home


def test_the_technician_is_reminded_once_then_the_headteacher(
    personas, django_capture_on_commit_callbacks
):
    on = datetime.date(2026, 11, 2)  # a Monday
    end(personas, personas.teacher, on, django_capture_on_commit_callbacks)
    checklist = LeaverChecklist.objects.get()
    assert checklist.escalate_on == datetime.date(2026, 11, 5)
    title = f"The leaver checklist for {personas.teacher} is not complete"
    head_title = f"The leaver checklist for {personas.teacher} is still not complete"
    at = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))  # noqa: E731
    run_leaver_sweep(at(on - timedelta(days=1)))
    assert not Notification.objects.filter(title=title).exists()
    for day in (on, on, on + timedelta(days=1)):
        run_leaver_sweep(at(day))
    assert list(Notification.objects.filter(title=title).values_list("recipient", flat=True)) == [
        personas.technician.pk
    ]
    assert not Notification.objects.filter(title=head_title).exists()
    run_leaver_sweep(at(checklist.escalate_on))
    run_leaver_sweep(at(checklist.escalate_on))
    heads = Notification.objects.filter(title=head_title).values_list("recipient", flat=True)
    assert list(heads) == [personas.headteacher.pk]
    assert Notification.objects.get(title=head_title).link == checklist.get_absolute_url()


def test_a_leavers_open_session_is_ended(personas, client, django_capture_on_commit_callbacks):
    sign_in(client, personas.teacher)
    assert client.get(reverse("home")).status_code == 200
    officer = sign_in(type(client)(), personas.esafety_officer)
    end(personas, personas.teacher, capture=django_capture_on_commit_callbacks)
    run_leaver_sweep(timezone.now())
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert officer.get(reverse("home")).status_code == 200  # others' sessions stay


def test_a_session_stays_until_the_end_date(personas, client, django_capture_on_commit_callbacks):
    sign_in(client, personas.teacher)
    on = timezone.localdate() + timedelta(days=1)
    end(personas, personas.teacher, on, django_capture_on_commit_callbacks)
    run_leaver_sweep(timezone.now())
    assert client.get(reverse("home")).status_code == 200
