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
