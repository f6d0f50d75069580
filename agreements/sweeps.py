"""Agreement timers, registered with the core sweep: each reminder recorded once."""

import hashlib
import json

from django.db.models import F, OuterRef, Subquery
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from esafety.models import Role, SweepAction
from esafety.notifications import notify
from esafety.services import holders
from esafety.sweeps import sweep_job, sweep_key

from . import reminders
from .audience import audience_pairs
from .models import (
    REMINDER_EVERY,
    REVIEW_WARNING,
    Document,
    Signature,
    SignRequest,
    Version,
    VersionStatus,
)
from .reviews import open_scheduled_review
from .services import publish, publish_due, sync_requests


@sweep_job("agreements.sync")
def ask_everyone_who_must_sign(sweep):
    """Induction, a new academic year and new people: everyone owed a "to sign" item gets
    one. A new link, role, import or trustee asks at once (joining.py) and publishing asks
    everyone, so this pass is for what the calendar changes (a role that starts today, a
    new academic year) and for any change no save announced: each document once a day,
    and again on the day its version, its audience or its signatures change. Every five
    minutes for every document cost seconds a sweep at trust size, to find nothing."""
    today = timezone.localdate(sweep.now)
    documents = {
        sweep_key("document", d.pk, "sync", today.isoformat(), _sync_stamp(d)): d
        for d in _published_documents()
    }

    def sync(claimed):
        for key in sorted(claimed):
            sync_requests(document=documents[key], on=today)

    sweep.once_each(documents, sync)


def _published_documents():
    latest = Version.objects.filter(document=OuterRef("pk"), status=VersionStatus.PUBLISHED)
    signed = Signature.objects.filter(version__document=OuterRef("pk"))
    return (
        Document.objects.filter(versions__status=VersionStatus.PUBLISHED)
        .distinct()
        .annotate(
            published=Subquery(latest.order_by("-pk").values("pk")[:1]),
            last_signed=Subquery(signed.order_by("-pk").values("pk")[:1]),
        )
        .select_related("school")
        .order_by("pk")
    )


def _sync_stamp(document) -> str:
    """What the document's "to sign" items follow besides the people: its version, who
    must sign it and its latest signature (a withdrawal is one)."""
    followed = [
        document.published,
        document.last_signed,
        document.audience_roles,
        document.audience_staff_types,
        document.audience_key_stages,
        document.parents_sign_for_each_child,
        document.sign_on_induction,
        document.renew_every_year,
    ]
    return hashlib.sha256(json.dumps(followed, default=str).encode()).hexdigest()[:12]


@sweep_job("agreements.reminders")
def remind_weekly(sweep):
    """A reminder a week after the request and weekly after that, up to the document's
    limit. A week after the last one the item has run out of reminders: the e-safety
    officer's weekly digest (below) lists it until it is signed.

    A parent asked for three children gets one reminder a week for the document, not
    three: each child's item still counts its own reminders."""
    due = (
        SignRequest.objects.filter(completed_at__isnull=True, next_reminder_at__lte=sweep.now)
        .select_related("document__school", "person")
        .order_by("document_id", "person_id", "pk")
    )
    ran_out, to_remind = [], {}
    for request in due:
        if request.reminders_sent < request.document.reminder_limit:
            to_remind.setdefault((request.document_id, request.person_id), []).append(request)
        else:
            ran_out.append(request.pk)
    for requests in to_remind.values():
        sent = False
        for request in requests:
            n = request.reminders_sent + 1
            sent |= sweep.once(
                sweep_key("signrequest", request.pk, "reminder", n),
                lambda r=request, n=n, first=not sent: _remind(r, n, sweep.now, send=first),
            )
    if ran_out:
        SignRequest.objects.filter(pk__in=ran_out).update(next_reminder_at=None)


def _remind(request, n, now, *, send=True):
    SignRequest.objects.filter(pk=request.pk).update(
        reminders_sent=n, next_reminder_at=now + REMINDER_EVERY
    )
    if send:
        reminders.remind(request)


def digest_week(today) -> str:
    """The week a digest belongs to (ISO weeks start on Monday), e.g. "2026-W05"."""
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def unsigned_after_reminders(school_ids, on) -> dict[int, dict[Document, int]]:
    """Per school, per document: how many people (or children, for an agreement signed
    for each child) are still not signed after every reminder, counting only those the
    document still asks today (a leaver is not chased)."""
    ran_out = (
        SignRequest.objects.filter(
            document__school__in=school_ids,
            completed_at__isnull=True,
            next_reminder_at__isnull=True,
            reminders_sent__gte=F("document__reminder_limit"),
            version__status=VersionStatus.PUBLISHED,
        )
        .values_list("document_id", "person_id", "subject_id")
        .distinct()
    )
    by_document: dict[int, set] = {}
    for document_id, person, subject in ran_out:
        by_document.setdefault(document_id, set()).add((person, subject))
    result: dict[int, dict[Document, int]] = {}
    documents = Document.objects.filter(pk__in=by_document).select_related("school")
    for document in documents.order_by("title", "pk"):
        owed = by_document[document.pk] & audience_pairs(document, on)
        # Either parent's signature counts for the child: count children, not parents.
        count = len({s for _, s in owed}) if document.parents_sign_for_each_child else len(owed)
        if count:
            result.setdefault(document.school_id, {})[document] = count
    return result


@sweep_job("agreements.unsigned_digest")
def weekly_digest_of_unsigned(sweep):
    """Once a week (the first sweep from Monday), each school's e-safety officer gets one
    message listing, per document, how many are still not signed after every reminder;
    week after week until none are left. One record per school per week: a sweep that
    runs twice never sends a second."""
    today = timezone.localdate(sweep.now)
    week = digest_week(today)
    schools = set(
        SignRequest.objects.filter(
            completed_at__isnull=True,
            next_reminder_at__isnull=True,
            reminders_sent__gte=F("document__reminder_limit"),
        ).values_list("document__school_id", flat=True)
    )
    keys = {school: sweep_key("school", school, "unsigned-digest", week) for school in schools}
    done = set(SweepAction.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    waiting = [school for school, key in keys.items() if key not in done]
    for school_id, counts in unsigned_after_reminders(waiting, today).items():
        sweep.once(keys[school_id], lambda c=counts: _send_digest(c))


def _send_digest(counts: dict[Document, int]) -> None:
    school = next(iter(counts)).school
    total = sum(counts.values())
    lines = [
        f"{document.title}: {count} after {document.reminder_limit} "
        f"reminder{pluralize(document.reminder_limit)}"
        for document, count in counts.items()
    ]
    if len(counts) == 1:
        [document] = counts
        link = (
            reverse("agreements-register", args=[school.slug, document.pk]) + "?status=outstanding"
        )
    else:
        link = reverse("agreements-registers", args=[school.slug])
    for officer in holders(school, Role.ESAFETY_OFFICER):
        notify(
            officer,
            title=f"This week: {total} still not signed after every reminder ({school.name})",
            body="\n".join(lines),
            link=link,
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
