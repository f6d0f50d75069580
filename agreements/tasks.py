from celery import shared_task


@shared_task
def send_sign_emails(document_id: int, notification_ids: list[int]) -> int:
    """Email parents that something waits for them to read and sign (see `reminders`)."""
    from esafety.models import Notification

    from .models import Document
    from .reminders import send_sign_email

    document = Document.objects.select_related("school").filter(pk=document_id).first()
    if document is None:
        return 0
    notifications = Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    return sum(send_sign_email(n, document) for n in notifications)
