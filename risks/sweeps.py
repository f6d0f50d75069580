"""The register's timers, registered with the core deadline sweep. Each reminder and
escalation happens once per key (a sweep that runs twice sends nothing twice); keys hold
the due date, so a new date arms a new reminder."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from esafety.models import Role, School
from esafety.notifications import notify
from esafety.services import holders
from esafety.sweeps import sweep_job, sweep_key

from . import filtering
from .models import Action, FilteringReview, Risk

REVIEW_REMINDER = datetime.timedelta(days=14)
# An overdue action reminds its owner at once; a week later the risk's owners hear.
ACTION_ESCALATION = datetime.timedelta(days=7)
# An overdue review goes to the e-safety officer at once; two weeks later, the head.
REVIEW_ESCALATION = datetime.timedelta(days=14)
# A school that has never recorded a filtering and monitoring review: the e-safety officer
# (the DSL's lead here) hears at once; the headteacher if none is started 30 days later.
NEVER_REVIEWED_ESCALATION = datetime.timedelta(days=30)


def _tell(people, title, link):
    for person in dict.fromkeys(p for p in people if p is not None and p.is_active):
        notify(person, title=title, link=link)


@sweep_job("risks.overdue_actions")
def remind_overdue_actions(sweep):
    today = timezone.localdate(sweep.now)
    overdue = (
        Action.objects.filter(done_on__isnull=True, due_on__lt=today)
        .select_related("owner", "risk__school", "review__school")
        .prefetch_related("risk__owners")
    )
    for action in overdue:
        parent = action.parent
        link = parent.get_absolute_url()
        title = f"An action on {_name(parent)} is overdue"
        sweep.once(
            sweep_key("risks.action", action.pk, action.due_on, "owner"),
            lambda a=action, t=title, u=link: _tell([a.owner], t, u),
        )
        if action.due_on < today - ACTION_ESCALATION:
            if action.risk_id:
                escalate_to = [p for p in parent.owners.all() if p != action.owner]
            else:
                escalate_to = holders(parent.school, Role.ESAFETY_OFFICER, Role.HEADTEACHER)
            sweep.once(
                sweep_key("risks.action", action.pk, action.due_on, "escalation"),
                lambda people=escalate_to, t=title, u=link: _tell(people, f"Still: {t}", u),
            )


def _name(parent) -> str:
    return f"risk {parent.reference}" if isinstance(parent, Risk) else "the filtering review"


@sweep_job("risks.reviews")
def remind_reviews(sweep):
    """14 days before: the owners. Overdue: the e-safety officer, then the headteacher."""
    today = timezone.localdate(sweep.now)
    due = (
        Risk.objects.live()
        .filter(review_due__lte=today + REVIEW_REMINDER)
        .select_related("school")
        .prefetch_related("owners")
    )
    for risk in due:
        link, when = risk.get_absolute_url(), risk.review_due
        sweep.once(
            sweep_key("risks.review", risk.pk, when, "soon"),
            lambda r=risk, u=link: _tell(
                r.owners.all(), f"Risk {r.reference} is due for review", u
            ),
        )
        if risk.is_trust_wide:
            # The trust keeps it: an overdue review goes to the chair of trustees.
            if when < today:
                sweep.once(
                    sweep_key("risks.review", risk.pk, when, "chair"),
                    lambda r=risk, u=link: _tell(
                        _chairs(r.trust_id), f"Risk {r.reference}'s review is overdue", u
                    ),
                )
            continue
        if when < today:
            sweep.once(
                sweep_key("risks.review", risk.pk, when, "officer"),
                lambda r=risk, u=link: _tell(
                    holders(r.school, Role.ESAFETY_OFFICER),
                    f"Risk {r.reference}'s review is overdue",
                    u,
                ),
            )
        if when < today - REVIEW_ESCALATION:
            sweep.once(
                sweep_key("risks.review", risk.pk, when, "head"),
                lambda r=risk, u=link: _tell(
                    holders(r.school, Role.HEADTEACHER),
                    f"Risk {r.reference}'s review is overdue",
                    u,
                ),
            )


def _chairs(trust_id) -> list:
    from esafety.models import TrusteeMembership

    chairs = TrusteeMembership.objects.filter(
        trust_id=trust_id, is_chair=True, ended_on__isnull=True
    ).select_related("user")
    return [membership.user for membership in chairs]


@sweep_job("risks.filtering_review_due")
def remind_filtering_review(sweep):
    """30 days before the yearly review is due: the leads. Overdue: the headteacher."""
    today = timezone.localdate(sweep.now)
    signed = FilteringReview.objects.filter(head_signed_at__isnull=False)
    in_progress = FilteringReview.objects.open().filter(school=OuterRef("pk"))
    schools = School.objects.filter(Exists(signed.filter(school=OuterRef("pk")))).exclude(
        Exists(in_progress)
    )
    for school in schools:
        due = filtering.next_review_due(filtering.last_signed_review(school))
        link = _filtering_link(school)
        if today >= due - datetime.timedelta(days=filtering.REMIND_DAYS_BEFORE):
            sweep.once(
                sweep_key("risks.filtering", school.pk, due, "soon"),
                lambda s=school, d=due, u=link: _tell(
                    holders(s, Role.ESAFETY_OFFICER, Role.HEADTEACHER),
                    f"The filtering and monitoring review is due by {d:%-d %B %Y}",
                    u,
                ),
            )
        if today > due:
            sweep.once(
                sweep_key("risks.filtering", school.pk, due, "overdue"),
                lambda s=school, u=link: _tell(
                    holders(s, Role.HEADTEACHER),
                    "The filtering and monitoring review is overdue",
                    u,
                ),
            )


@sweep_job("risks.filtering_never_reviewed")
def remind_never_reviewed(sweep):
    """DfE: at least a yearly review. A school with no review at all, not even one in
    progress, is reminded as an overdue one is: the officer once, then the head once after
    NEVER_REVIEWED_ESCALATION (counted from the officer's reminder)."""
    from esafety.models import SweepAction

    schools = list(
        School.objects.exclude(Exists(FilteringReview.objects.filter(school=OuterRef("pk"))))
    )
    officer_keys = {s.pk: sweep_key("risks.filtering", s.pk, "never", "officer") for s in schools}
    reminded_at = dict(
        SweepAction.objects.filter(key__in=officer_keys.values()).values_list("key", "done_at")
    )
    title = "No filtering and monitoring review is recorded: one is due at least once a year"
    for school in schools:
        link = _filtering_link(school)
        key = officer_keys[school.pk]
        sweep.once(
            key,
            lambda s=school, u=link: _tell(holders(s, Role.ESAFETY_OFFICER), title, u),
        )
        since = reminded_at.get(key, sweep.now)
        if since <= sweep.now - NEVER_REVIEWED_ESCALATION:
            sweep.once(
                sweep_key("risks.filtering", school.pk, "never", "head"),
                lambda s=school, u=link: _tell(holders(s, Role.HEADTEACHER), title, u),
            )


def _filtering_link(school) -> str:
    from django.urls import reverse

    return reverse("filtering", args=[school.slug])


@sweep_job("risks.filtering_breaches")
def early_review_for_breaches(sweep):
    """An incident of the kind "filtering breach" prompts an early review (as a flagged
    incident opens an early policy review), however it was logged."""
    from incidents.models import Incident

    reviewed = FilteringReview.incidents.through.objects.filter(incident_id=OuterRef("pk"))
    breaches = (
        Incident.objects.submitted()
        .filter(tags__slug=filtering.BREACH_TAG)
        .exclude(Exists(reviewed))
        .select_related("school")
        .distinct()
    )
    for incident in breaches:
        sweep.once(
            sweep_key("risks.breach", incident.pk),
            lambda i=incident: filtering.prompt_early_review(incident=i),
        )
