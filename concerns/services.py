"""Raising, routing, reviewing and referring low-level concerns about adults.

Routing reuses the incident log's rule, not a copy of it: a concern about a member of
staff goes to the headteacher (else the chair of trustees), one about the headteacher
to the chair (`incidents.routing`), and nobody the head rule hides it from is told.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from esafety.locks import lock_for_transaction
from esafety.models import Role, User
from esafety.notifications import notify
from esafety.once import already_done
from esafety.roles import roles_in
from incidents import services as incident_services
from incidents.models import Incident, Location, Part, PersonKind
from incidents.routing import chair_of, head_else_chair

from .models import LowLevelConcern, Response, Status, Subject

# A person with this many concerns (in what the viewer may see) is shown as a pattern to
# consider: KCSIE asks the school to look for patterns, however minor each one is.
PATTERN_AT = 2


def subject_of(person, school) -> str:
    """A concern about whoever is a headteacher of the school goes the headteacher's way."""
    return Subject.HEADTEACHER if Role.HEADTEACHER in roles_in(person, school) else Subject.STAFF


def recipient_for(concern) -> User | None:
    if concern.subject == Subject.HEADTEACHER:
        return chair_of(concern.school.trust)
    return head_else_chair(concern.school, besides=concern.about)


def _next_number(school, year: int) -> str:
    """LLC-2026-0003, one series per school and year, taken under a lock."""
    lock_for_transaction(f"concern-number:{school.pk}:{year}")
    prefix = f"LLC-{year}-"
    last = LowLevelConcern.objects.filter(school=school, number__startswith=prefix).aggregate(
        last=Max("number")
    )["last"]
    count = int(last.rsplit("-", 1)[1]) if last else 0
    return f"{prefix}{count + 1:04d}"


@transaction.atomic
def raise_concern(
    *, school, by, about, what_happened, happened_on=None, context=""
) -> LowLevelConcern:
    """Record a concern and send it to the headteacher (or the chair) at once."""
    now = timezone.now()
    concern = LowLevelConcern(
        school=school,
        about=about,
        subject=subject_of(about, school),
        reported_by=by,
        reported_at=now,
        happened_on=happened_on,
        what_happened=what_happened,
        context=context,
    )
    concern.number = _next_number(school, timezone.localtime(now).year)
    concern.routed_to = recipient_for(concern)
    concern._history_user = by
    concern.save()
    if concern.routed_to and concern.routed_to != by:
        notify(
            concern.routed_to,
            title=f"A low-level concern to review in confidence ({concern.number})",
            link=concern.get_absolute_url(),
        )
    return concern


def _locked(concern) -> LowLevelConcern:
    return LowLevelConcern.objects.select_for_update().select_related("school").get(pk=concern.pk)


@transaction.atomic
def record_response(*, concern, by, response, notes="") -> LowLevelConcern:
    """The headteacher's decision, once. Referring as an allegation is `refer_as_allegation`."""
    if response == Response.REFERRED:
        raise ValidationError({"response": "Use “Refer as an allegation” to refer it."})
    concern = _locked(concern)
    if concern.status != Status.TO_REVIEW:
        raise already_done(f"{concern.number} was already reviewed.")
    concern.status = Status.REVIEWED
    concern.response, concern.response_notes = response, notes
    concern.decided_by, concern.decided_at = by, timezone.now()
    concern._history_user = by
    concern.save()
    return concern


def history_text(concerns) -> str:
    """The chronology an allegation starts from: each concern, oldest first."""
    lines = ["Referred from the low-level concerns log. Earlier concerns about this person:"]
    for concern in sorted(concerns, key=lambda c: c.reported_at):
        when = concern.happened_on or timezone.localtime(concern.reported_at).date()
        outcome = concern.get_response_display() or "not yet reviewed"
        lines.append(
            f"- {concern.number}, {when:%-d %B %Y}: {concern.what_happened.strip()} "
            f"(Outcome: {outcome}.)"
        )
    return "\n".join(lines)


@transaction.atomic
def refer_as_allegation(*, concern, by, notes="") -> Incident:
    """The harm threshold is met: open a staff incident (an allegation, routed by the
    incident log as any other: to the headteacher, or the chair, with a LADO referral due)
    with every concern about the person at this school in its account. The concerns stay
    here, each linked to the incident. Once: a second click finds it referred."""
    concern = _locked(concern)
    if concern.status == Status.REFERRED:
        raise already_done(f"{concern.number} was already referred as an allegation.")
    earlier = list(
        LowLevelConcern.objects.visible_to(by)
        .filter(school=concern.school, about=concern.about)
        .select_for_update()
    )
    if concern not in earlier:
        earlier.append(concern)
    incident = Incident(
        school=concern.school,
        subject=concern.subject,
        location=Location.ON_SITE,
        description=history_text(earlier),
        action_taken=notes,
    )
    people = [{"person": concern.about, "kind": PersonKind.STAFF, "part": Part.ALLEGED}]
    incident_services.submit_incident(incident=incident, by=by, people=people, tags=[])
    now = timezone.now()
    for each in earlier:
        each.referred_incident = incident
        each._history_user = by
        if each.pk == concern.pk:
            each.status, each.response = Status.REFERRED, Response.REFERRED
            each.response_notes, each.decided_by, each.decided_at = notes, by, now
        each.save()
    return incident


def patterns(concerns, *, by_school: bool = False):
    """Per person: how many concerns, the first and last, how many still to review, at
    how many schools (with `by_school`, each school's count and page). One query (two
    with `by_school`), plus one for the people; those with the most first."""
    rows = list(
        concerns.order_by()
        .values("about")
        .annotate(
            count=Count("pk"),
            first=Min("reported_at"),
            last=Max("reported_at"),
            to_review=Count("pk", filter=Q(status=Status.TO_REVIEW)),
            schools=Count("school", distinct=True),
        )
        .order_by("-count", "-last")
    )
    people = User.objects.in_bulk([row["about"] for row in rows])
    at_schools: dict[int, list] = {}
    if by_school and rows:
        per_school = (
            concerns.order_by()
            .values("about", "school__slug", "school__name")
            .annotate(count=Count("pk"))
            .order_by("school__name")
        )
        for entry in per_school:
            at_schools.setdefault(entry["about"], []).append(entry)
    for row in rows:
        row["person"] = people[row["about"]]
        row["pattern"] = row["count"] >= PATTERN_AT
        row["at_schools"] = at_schools.get(row["about"], [])
    return rows
