"""Asking parents by email to read and sign, and reminding them weekly.

Parents rarely sign in unprompted, so a "please read and sign" item and each weekly
reminder (up to the document's reminder limit) are emailed to them. The email names the
document and the school and links to the "to sign" page; nothing about the child or the
text (detail stays behind the sign-in). It ends with the school's own contact line. A
parent who chose reminders only in the app gets the in-app notification alone.

Each email is sent once: a batch claims its notifications' `emailed_at` in one statement
and goes over one mail connection, like every other notification email
(`esafety.notifications.send_once`).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from esafety.models import Membership, Notification, Role
from esafety.notifications import EmailNotSent, notify, send_once

from .models import Document

TO_SIGN = "/agreements/to-sign/"
# Sent to the worker in batches: a September campaign asks hundreds of parents at once.
BATCH = 200


def named(document: Document) -> str:
    """A document's title with its school: someone at two schools has two of each."""
    return f"{document.title} ({document.school.name})"


def parents_among(document: Document, people) -> set[int]:
    """Which of these people are parents at the document's school (they get emails)."""
    return set(
        Membership.objects.active()
        .filter(school=document.school, role=Role.PARENT, user__in=people)
        .values_list("user_id", flat=True)
    )


def email_after_commit(document: Document, notifications) -> None:
    """Queue the emails for these parents' notifications once the transaction commits."""
    email_ids_after_commit(document, [n.pk for n in notifications if n.pk])


def email_ids_after_commit(document: Document, ids: list[int]) -> None:
    """`email_after_commit` for notifications known by id (the worker checks each
    parent's choice)."""
    if not ids:
        return
    from .tasks import send_sign_emails

    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        transaction.on_commit(lambda b=batch: send_sign_emails.delay(document.pk, b))


def remind(request) -> Notification:
    """The n-th weekly reminder for one "to sign" item. Parents get the agreements email
    (if they want it); everyone else the usual detail-free notification email."""
    title = f"Reminder: please read and sign {named(request.document)}"
    person = request.person
    is_parent = bool(parents_among(request.document, [person]))
    notification = notify(person, title=title, link=TO_SIGN, email=not is_parent)
    if is_parent:
        email_after_commit(request.document, [notification])
    return notification


# Who gets the agreements email: a parent with an address, active, who wants emails.
WANTS_THE_EMAIL = (
    Q(recipient__is_active=True, recipient__reminders_by_email=True)
    & ~Q(recipient__email="")
    & Q(recipient__email__isnull=False)
)


def send_sign_emails_now(document: Document, notification_ids) -> int:
    """Send these parents' emails, each once (claimed together, one mail connection:
    `esafety.notifications.send_once`); a parent who now prefers the app gets none."""
    links = sign_links()  # the same for every email of the batch
    sent, failed = send_once(
        notification_ids, lambda n: sign_email(n, document, links), eligible=WANTS_THE_EMAIL
    )
    if failed:
        raise EmailNotSent(f"{len(failed)} of {len(notification_ids)} emails failed: {failed}")
    return sent


def sign_links() -> dict:
    site = settings.SITE_URL.rstrip("/")
    return {"url": site + TO_SIGN, "account_url": site + reverse("account")}


def sign_email(notification, document, links=None) -> EmailMultiAlternatives:
    """One parent's email: the document and school, a link to "to sign", nothing more."""
    recipient = notification.recipient
    context = {
        "name": recipient.get_short_name(),
        "title": document.title,
        "school": document.school.name,
        "contact_line": document.school.contact_line,
        "is_reminder": notification.title.startswith("Reminder"),
        **(links or sign_links()),
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("agreements/email/sign_subject.txt", context).strip(),
        body=render_to_string("agreements/email/sign.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("agreements/email/sign.html", context), "text/html")
    return message
