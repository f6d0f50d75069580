"""The deadline sweep: each reminder happens once, and a crash loses nothing done before it."""

import pytest
from django.conf import settings
from django.core import mail

from esafety import sweeps
from esafety.models import Notification, SweepAction, SweepRun
from esafety.notifications import notify, notify_many
from esafety.sweeps import run_sweeps
from esafety.tasks import run_sweeps_task
from esafety.testing import UserFactory

pytestmark = pytest.mark.django_db

N = 5


class Boom(RuntimeError):
    pass


def reminder_job(users, fail_on=None, email=False):
    """Remind each user once; optionally blow up while doing the `fail_on`-th (1-based)."""

    def job(sweep):
        for index, user in enumerate(users, start=1):

            def remind(user=user, index=index):
                notify(user, title="Please sign the acceptable use agreement", email=email)
                if index == fail_on:
                    raise Boom(f"mail server down while reminding person {user.pk}")

            sweep.once(f"test-reminder:{user.pk}", remind)

    return job


def reminders_for(user) -> int:
    return Notification.objects.filter(recipient=user).count()


@pytest.fixture
def users():
    return UserFactory.create_batch(N)


def test_running_twice_reminds_each_person_once(users):
    jobs = {"test.reminders": reminder_job(users)}
    first = run_sweeps(jobs=jobs)
    second = run_sweeps(jobs=jobs)
    assert [reminders_for(u) for u in users] == [1] * N
    assert SweepAction.objects.filter(job="test.reminders").count() == N
    assert (first.actions_taken, second.actions_taken) == (N, 0)


def test_sweep_runs_are_recorded_with_finish_time_and_action_count(users):
    run_sweeps(jobs={"test.reminders": reminder_job(users)})
    run_sweeps(jobs={"test.reminders": reminder_job(users)})
    runs = list(SweepRun.objects.order_by("pk"))
    assert [r.actions_taken for r in runs] == [N, 0]
    assert all(r.finished_at is not None and r.finished_at >= r.started_at for r in runs)
    assert all(r.error == "" for r in runs)


@pytest.mark.django_db(transaction=True)
def test_a_crash_keeps_what_was_done_and_the_next_run_finishes_without_duplicates(monkeypatch):
    monkeypatch.setattr("esafety.sweeps.BATCH", 2)  # commits after the 2nd; the 3rd fails
    users = UserFactory.create_batch(N)
    with pytest.raises(Boom):
        run_sweeps(jobs={"test.reminders": reminder_job(users, fail_on=3)})

    # Committed before the crash (this test runs without a wrapping transaction).
    assert [reminders_for(u) for u in users] == [1, 1, 0, 0, 0]
    done = set(SweepAction.objects.values_list("key", flat=True))
    assert done == {f"test-reminder:{u.pk}" for u in users[:2]}
    failed = SweepRun.objects.get()
    assert "mail server down" in failed.error
    assert "Boom" in failed.error
    assert failed.finished_at is not None
    assert failed.actions_taken == 2

    recovered = run_sweeps(jobs={"test.reminders": reminder_job(users)})
    assert [reminders_for(u) for u in users] == [1] * N
    assert SweepAction.objects.count() == N
    assert recovered.actions_taken == N - 2
    assert recovered.error == ""


@pytest.mark.django_db(transaction=True)
def test_each_committed_batch_emails_its_people_and_a_rolled_back_batch_nobody(monkeypatch):
    """Actions commit in batches (one disk flush per batch, not per reminder); a batch's
    emails go when it commits, and a batch a crash rolls back sends nothing."""
    monkeypatch.setattr("esafety.sweeps.BATCH", 2)
    users = UserFactory.create_batch(N)  # batches: [1, 2] [3, 4] [5, crashes]
    with pytest.raises(Boom):
        run_sweeps(jobs={"test.reminders": reminder_job(users, fail_on=5, email=True)})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users[:4])
    assert [reminders_for(u) for u in users] == [1, 1, 1, 1, 0]
    assert SweepRun.objects.get().actions_taken == 4


def test_beat_schedule_runs_the_sweep_and_drops_late_runs():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "esafety.tasks.run_sweeps_task"
    )
    expires = entry["options"]["expires"]
    assert 0 < expires <= entry["schedule"]


def test_sweep_task_runs_eagerly_and_returns_the_action_count(users, monkeypatch):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    monkeypatch.setattr(sweeps, "_JOBS", {"test.reminders": reminder_job(users)})
    result = run_sweeps_task.delay()
    assert result.get() == N
    assert [reminders_for(u) for u in users] == [1] * N
    assert run_sweeps_task.delay().get() == 0


def bulk_reminder_job(users, fail=False):
    """`once_each` and `notify_many`: everyone's reminder claimed and sent in bulk."""

    def job(sweep):
        by_key = {f"test-bulk:{u.pk}": u for u in users}

        def send(claimed):
            notify_many(
                {"recipient": by_key[key], "title": "Please sign the agreement"}
                for key in sorted(claimed)
            )
            if fail:
                raise Boom("mail server down")

        sweep.once_each(by_key, send)

    return job


@pytest.mark.django_db(transaction=True)
def test_bulk_reminders_once_each_with_one_email_each_and_none_if_rolled_back():
    users = UserFactory.create_batch(N)
    with pytest.raises(Boom):
        run_sweeps(jobs={"test.bulk": bulk_reminder_job(users[:2], fail=True)})
    assert mail.outbox == [] and not SweepAction.objects.exists()  # all rolled back
    first = run_sweeps(jobs={"test.bulk": bulk_reminder_job(users[:2])})
    second = run_sweeps(jobs={"test.bulk": bulk_reminder_job(users)})
    third = run_sweeps(jobs={"test.bulk": bulk_reminder_job(users)})
    assert [reminders_for(u) for u in users] == [1] * N
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert (first.actions_taken, second.actions_taken, third.actions_taken) == (2, N - 2, 0)


def test_housekeeping_runs_after_the_reminders_and_its_error_stops_none(users, monkeypatch):
    ran = []

    def broken_housekeeping(sweep):
        ran.append("housekeeping")
        raise Boom("a figure failed to count")

    def reminders(sweep):
        ran.append("reminders")
        reminder_job(users)(sweep)

    monkeypatch.setattr(sweeps, "_JOBS", {})
    monkeypatch.setattr(sweeps, "_HOUSEKEEPING", set())
    # Registered first (as the core's warming job is), run last.
    sweeps.sweep_job("test.housekeeping", housekeeping=True)(broken_housekeeping)
    sweeps.sweep_job("test.reminders")(reminders)
    run = run_sweeps()
    assert ran == ["reminders", "housekeeping"]
    assert [reminders_for(u) for u in users] == [1] * N
    assert "a figure failed to count" in run.error and run.actions_taken == N


def test_the_core_warming_job_is_housekeeping_and_runs_last():
    jobs = list(sweeps.registered_jobs())
    assert jobs[-1] == "esafety.warm_figures"
