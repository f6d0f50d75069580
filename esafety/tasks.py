import logging

from celery import shared_task

from .models import Notification

logger = logging.getLogger(__name__)


@shared_task
def run_sweeps_task():
    from .sweeps import run_sweeps

    run = run_sweeps()
    return run.actions_taken


@shared_task
def send_notification_email(notification_id: int):
    from .notifications import send_email_for

    notification = Notification.objects.filter(pk=notification_id).select_related("recipient")
    if notification:
        send_email_for(notification[0])


class SomeEmailsFailed(RuntimeError):
    pass


@shared_task
def send_notification_emails(notification_ids: list[int]):
    """The emails of a sweep's reminders, a batch to a task; each is sent once. One that
    fails (an address the mail server refuses) is logged and the rest are still sent; the
    task then fails, so the monitoring sees it."""
    from .notifications import send_email_for

    failed = []
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient"
    ):
        try:
            send_email_for(notification)
        except Exception:
            logger.exception("Email for notification %s failed", notification.pk)
            failed.append(notification.pk)
    if failed:
        raise SomeEmailsFailed(f"{len(failed)} of {len(notification_ids)} emails failed: {failed}")
