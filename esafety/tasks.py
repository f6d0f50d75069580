from celery import shared_task

from .models import Notification


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


@shared_task
def send_notification_emails(notification_ids: list[int]):
    """The emails of a sweep's reminders, a batch to a task; each is sent once (a retry
    skips the ones already sent)."""
    from .notifications import send_email_for

    for notification in Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient"
    ):
        send_email_for(notification)
