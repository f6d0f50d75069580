"""In-app notifications and the email that points to them.

Emails never carry safeguarding details (CPOMS practice): they say there is something
to look at and link to it. The detail stays behind the sign-in.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

EMAIL_BATCH = 50  # emails sent by one queued task
logger = logging.getLogger(__name__)


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


def pointer_email(notification: Notification) -> EmailMultiAlternatives:
    """The detail-free email that points to a notification."""
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
    return message


def send_email_for(notification: Notification) -> bool:
    """Send the pointer email once; returns False if it was already sent."""
    sent, failed = send_once([notification.pk], pointer_email)
    if failed:
        raise EmailNotSent(f"The email for notification {notification.pk} was not sent.")
    return bool(sent)


class EmailNotSent(RuntimeError):
    pass


def send_once(ids, build, *, eligible=None) -> tuple[int, list[int]]:
    """Send `build(notification)` for each of these notifications not yet emailed (and
    matching `eligible`, a Q), each once however many workers try: they are claimed
    together in one UPDATE (their rows locked, skipping any another worker holds), then
    sent over one mail connection. One the mail server refuses is logged and given back
    (unclaimed), and the rest still go. Returns how many were sent and the ids not sent."""
    with transaction.atomic():
        unsent = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        if eligible is not None:
            unsent = unsent.filter(eligible)
        claimed = list(
            unsent.select_for_update(skip_locked=True, of=("self",)).select_related("recipient")
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(
            emailed_at=timezone.now()
        )
    failed = []
    try:
        with get_connection() as connection:
            for notification in claimed:
                try:
                    message = build(notification)
                    message.connection = connection
                    message.send()
                except Exception:
                    logger.exception("Email for notification %s failed", notification.pk)
                    failed.append(notification.pk)
    except Exception:  # the mail server could not be reached at all
        logger.exception("No mail connection for %s emails", len(claimed))
        failed = [n.pk for n in claimed]
    if failed:
        Notification.objects.filter(pk__in=failed).update(emailed_at=None)
    return len(claimed) - len(failed), failed


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
