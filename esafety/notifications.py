"""In-app notifications and the email that points to them.

Emails never carry safeguarding details (CPOMS practice): they say there is something
to look at and link to it. The detail stays behind the sign-in.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

EMAIL_BATCH = 50  # emails sent by one queued task


def notify(recipient, *, title: str, body: str = "", link: str = "", email: bool = True):
    """Create an in-app notification; queue its detail-free email after the commit."""
    notification = Notification.objects.create(
        recipient=recipient, title=title[:200], body=body, link=link
    )
    if email and recipient.email and recipient.is_active:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notify_many(messages) -> list[Notification]:
    """`notify` for many people at once (a sweep's reminders): one INSERT for the in-app
    notifications and, after the commit, one queued task per EMAIL_BATCH emails instead of
    one each. `messages` are dicts of notify's keywords with `recipient`."""
    notifications = []
    emailed = []
    for message in messages:
        recipient = message["recipient"]
        notifications.append(
            Notification(
                recipient=recipient,
                title=message["title"][:200],
                body=message.get("body", ""),
                link=message.get("link", ""),
            )
        )
        emailed.append(message.get("email", True) and recipient.email and recipient.is_active)
    created = Notification.objects.bulk_create(notifications, batch_size=1000)
    ids = [n.pk for n, email in zip(created, emailed, strict=True) if email]
    if ids:
        from .tasks import send_notification_emails

        for start in range(0, len(ids), EMAIL_BATCH):
            batch = ids[start : start + EMAIL_BATCH]
            transaction.on_commit(lambda batch=batch: send_notification_emails.delay(batch))
    return created


def send_email_for(notification: Notification) -> bool:
    """Send the pointer email once; returns False if it was already sent."""
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    context = {
        "name": notification.recipient.get_short_name(),
        "url": settings.SITE_URL.rstrip("/") + notification.get_absolute_url(),
    }
    subject = render_to_string("esafety/email/notification_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("esafety/email/notification.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(
        render_to_string("esafety/email/notification.html", context), "text/html"
    )
    message.send()
    return True


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
