from celery import shared_task


@shared_task
def run_sweeps_task():
    from .sweeps import run_sweeps

    run = run_sweeps()
    return run.actions_taken


@shared_task
def send_notification_email(notification_id: int):
    from .notifications import pointer_email, send_once

    _, failed = send_once([notification_id], pointer_email)
    if failed:
        raise SomeEmailsFailed(f"The email for notification {notification_id} failed.")


class SomeEmailsFailed(RuntimeError):
    pass


@shared_task
def send_notification_emails(notification_ids: list[int]):
    """The emails of a sweep's reminders, a batch to a task; each is sent once. One that
    fails (an address the mail server refuses) is logged and the rest are still sent; the
    task then fails, so the monitoring sees it."""
    from .notifications import pointer_email, send_once

    _, failed = send_once(notification_ids, pointer_email)
    if failed:
        raise SomeEmailsFailed(f"{len(failed)} of {len(notification_ids)} emails failed: {failed}")


@shared_task(ignore_result=True)
def refresh_figures():
    """Count again the figures changes have made stale (esafety/figures_refresh.py)."""
    from django.core.cache import cache

    from .figures_refresh import REFRESH_DUE, refresh_stale

    cache.delete(REFRESH_DUE)  # a change from here on asks for another refresh
    return refresh_stale()
