from celery import shared_task


@shared_task
def send_sign_emails(document_id: int, notification_ids: list[int]) -> int:
    """Email parents that something waits for them to read and sign (see `reminders`)."""
    from .models import Document
    from .reminders import send_sign_emails_now

    document = Document.objects.select_related("school").filter(pk=document_id).first()
    if document is None:
        return 0
    return send_sign_emails_now(document, notification_ids)
