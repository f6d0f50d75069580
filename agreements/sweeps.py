"""Agreement timers, registered with the core sweep: each reminder recorded once."""

from django.db.models import F
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from esafety.models import Role
from esafety.notifications import notify
from esafety.services import holders
from esafety.sweeps import sweep_job, sweep_key

from . import reminders
from .models import REMINDER_EVERY, REVIEW_WARNING, Document, SignRequest, VersionStatus
from .reviews import open_scheduled_review
from .services import publish, publish_due, sync_requests


@sweep_job("agreements.sync")
def ask_everyone_who_must_sign(sweep):
    """Induction, a new academic year and new people: everyone owed a "to sign" item gets one."""
    today = timezone.localdate(sweep.now)
    documents = Document.objects.filter(versions__status=VersionStatus.PUBLISHED).select_related(
        "school"
    )
    for document in documents.distinct():
        sync_requests(document=document, on=today)


@sweep_job("agreements.reminders")
def remind_weekly(sweep):
    """A reminder a week after the request and weekly after that, up to the school's limit;
    then the e-safety officer gets one message a day listing how many are still outstanding.

    A parent asked for three children gets one reminder a week for the document, not
    three: each child's item still counts its own reminders."""
    due = (
        SignRequest.objects.filter(completed_at__isnull=True, next_reminder_at__lte=sweep.now)
        .select_related("document__school", "person")
        .order_by("document_id", "person_id", "pk")
    )
    past_limit, to_remind = {}, {}
    for request in due:
        if request.reminders_sent < request.document.reminder_limit:
            to_remind.setdefault((request.document_id, request.person_id), []).append(request)
        else:
            past_limit.setdefault(request.document, []).append(request.pk)
    for requests in to_remind.values():
        sent = False
        for request in requests:
            n = request.reminders_sent + 1
            sent |= sweep.once(
                sweep_key("signrequest", request.pk, "reminder", n),
                lambda r=request, n=n, first=not sent: _remind(r, n, sweep.now, send=first),
            )
    today = timezone.localdate(sweep.now)
    for document, ids in past_limit.items():
        sweep.once(
            sweep_key("document", document.pk, "past-limit", today),
            lambda d=document, ids=ids: _tell_officers(d, ids),
        )


def _remind(request, n, now, *, send=True):
    SignRequest.objects.filter(pk=request.pk).update(
        reminders_sent=n, next_reminder_at=now + REMINDER_EVERY
    )
    if send:
        reminders.remind(request)


def _tell_officers(document, request_ids):
    SignRequest.objects.filter(pk__in=request_ids).update(next_reminder_at=None)
    count = len(request_ids)
    for officer in holders(document.school, Role.ESAFETY_OFFICER):
        notify(
            officer,
            title=f"{count} still not signed after {document.reminder_limit} "
            f"reminder{pluralize(document.reminder_limit)}: {reminders.named(document)}",
            link=reverse("agreements-register", args=[document.school.slug, document.pk])
            + "?status=outstanding",
        )


@sweep_job("agreements.policy_review")
def remind_policy_review(sweep):
    today = timezone.localdate(sweep.now)
    due_soon = Document.objects.filter(review_due__lte=today + REVIEW_WARNING).select_related(
        "school"
    )
    for document in due_soon.exclude(review_due=None).annotate(due=F("review_due")):
        stage = "due" if document.review_due <= today else "30-days"
        title = (
            f"The {document.title} is due for review today"
            if stage == "due"
            else f"The {document.title} is due for review on {document.review_due:%-d %B %Y}"
        )
        sweep.once(
            sweep_key("document", document.pk, "review", document.review_due, stage),
            lambda d=document, t=title, s=stage: _review_reminder(d, t, s),
        )


def _review_reminder(document, title, stage):
    """30 days before: a reminder. On the day: the review opens (and its leads are told)."""
    if stage == "due":
        open_scheduled_review(document)
        return
    link = f"/schools/{document.school.slug}/agreements/reviews/"
    for user in holders(document.school, Role.ESAFETY_OFFICER, Role.HEADTEACHER):
        notify(user, title=f"{title} ({document.school.name})", link=link)


@sweep_job("agreements.publish_due")
def publish_on_effective_date(sweep):
    """Versions the trustees approved for a later date are published on that date."""
    today = timezone.localdate(sweep.now)
    for version in publish_due(today):
        sweep.once(
            sweep_key("version", version.pk, "publish"),
            lambda v=version: publish(version=v, by=v.trustees_approved_by, on=today),
        )
