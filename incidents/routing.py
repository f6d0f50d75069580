"""Who an incident goes to. Every rule is here, each with its own test.

- A concern about a pupil (or an outside person) goes to the designated safeguarding lead
  and the deputies in school that day; with the lead away, to a deputy at once; with them
  all away, or no e-safety officer, to the headteacher (cover.py has the rule).
- A concern about a member of staff goes directly to the headteacher, and a LADO
  referral is due within one working day.
- A concern about the headteacher goes to the chair of trustees (LADO within one
  working day); nobody who is headteacher of that school is ever told.
- Suspected illegal material: the headteacher and e-safety officer are told at once.
- Pupil category D and staff category B: the headteacher is told.
- Not acknowledged in time: escalated to the head (else the chair), never back to the
  person who has not acknowledged it (a head who is also the e-safety officer), nor to a
  head marked away while the chain has someone else (the chair); still not
  acknowledged a working day later: to the trust's safeguarding lead (where the trust lets
  them see that kind of concern), else the chair of trustees.

And how urgent it is (`URGENCY`): the one rule the queue's order, its "Urgent" marks and
the incident page's reasons all read.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Q

from esafety.models import Role, TrusteeMembership, TrustLead, User
from esafety.services import holders

from .categories import category
from .cover import away_ids, cover_on, day_of, pupil_routing
from .deadlines import add_working_days
from .models import ALLEGATION_SUBJECTS, Answer, Status, Subject
from .rules import who_may_be_told


@dataclass
class Routing:
    recipient: User | None
    also_notify: list = field(default_factory=list)
    lado_due: object = None
    reason: str = ""


def chair_of(trust) -> User | None:
    """The chair of trustees; with no chair recorded, the longest-serving trustee."""
    trustee = (
        TrusteeMembership.objects.active()
        .filter(trust=trust)
        .select_related("user")
        .order_by("-is_chair", "started_on", "pk")
        .first()
    )
    return trustee.user if trustee else None


def head_else_chair(school, *, besides=None) -> User | None:
    """The escalation chain above the e-safety officer: the school's headteacher (other
    than `besides`, the person who has not acted), else the chair of trustees."""
    heads = [h for h in holders(school, Role.HEADTEACHER) if h != besides]
    return heads[0] if heads else chair_of(school.trust)


def escalation_target(incident) -> User | None:
    """Above the person it was routed to: the head, or the chair where the headteacher
    is the subject (or is the one who hasn't acknowledged, or every head is away today)."""
    school = incident.school
    if incident.subject == Subject.HEADTEACHER:
        return chair_of(school.trust)
    heads = [h for h in holders(school, Role.HEADTEACHER) if h != incident.routed_to]
    away = away_ids(school)
    in_school = [h for h in heads if h.pk not in away]
    if in_school:
        return in_school[0]
    # Every head away (or none): the chair, who is never marked away; else a head anyway.
    return chair_of(school.trust) or next(iter(heads), None)


def trust_leads(trust) -> list[User]:
    leads = TrustLead.objects.active().filter(trust=trust).select_related("user")
    return [lead.user for lead in leads.order_by("started_on", "pk")]


def second_escalation_target(incident) -> User | None:
    """The second level, a working day after the first: the trust's safeguarding lead, if
    the trust lets them see this kind of concern, else the chair; never the person it was
    already escalated to, nor anyone the headteacher rule hides it from."""
    trust = incident.school.trust
    leads = []
    if incident.subject not in ALLEGATION_SUBJECTS or trust.lead_sees_staff_concerns:
        leads = trust_leads(trust)
    candidates = who_may_be_told(incident, [*leads, chair_of(trust)])
    already = {incident.routed_to_id, incident.escalated_to_id}
    return next((c for c in candidates if c.pk not in already), None)


def decide_routing(incident) -> Routing:
    school = incident.school
    heads = holders(school, Role.HEADTEACHER)
    officers = holders(school, Role.ESAFETY_OFFICER)
    lado_due = None
    if incident.subject == Subject.HEADTEACHER:
        recipient = chair_of(school.trust)
        reason = "A concern about the headteacher goes to the chair of trustees."
        lado_due = add_working_days(school, incident.reported_at, 1)
        also = []
    elif incident.subject == Subject.STAFF:
        recipient = head_else_chair(school)
        reason = "A concern about a member of staff goes directly to the headteacher."
        lado_due = add_working_days(school, incident.reported_at, 1)
        also = heads[1:]
    else:
        cover = cover_on(school, day_of(incident.reported_at), officers=officers, heads=heads)
        recipient, also, reason = pupil_routing(cover)
    rule = category(incident.category)
    if incident.suspected_illegal_material:
        also += heads + officers
    if rule and rule.notifies_headteacher:
        also += heads
    unique = []
    for user in who_may_be_told(incident, also):
        if user != recipient and user.pk != incident.reported_by_id and user not in unique:
            unique.append(user)
    return Routing(recipient=recipient, also_notify=unique, lado_due=lado_due, reason=reason)


# --- urgency ----------------------------------------------------------------------------
# What makes an open incident urgent: the reporter's answers to the log form's first
# questions ("not sure" counts), a concern about an adult (the same subjects that route
# to the headteacher or the chair), the seed's most serious categories, suspected illegal
# material, and an acknowledgement or action that is overdue. Each test is written twice,
# for one incident in hand and as SQL for the queue's order; a test checks they agree.
URGENT_CATEGORIES = ("pupil_d", "staff_b")
URGENT_ANSWERS = (Answer.YES, Answer.NOT_SURE)


@dataclass(frozen=True)
class Urgent:
    reason: str
    holds: Callable  # (incident, now) -> bool
    q: Callable  # now -> Q


def _answered(name: str, reason: str) -> Urgent:
    return Urgent(
        reason,
        lambda incident, now: getattr(incident, name) in URGENT_ANSWERS,
        lambda now: Q(**{f"{name}__in": URGENT_ANSWERS}),
    )


URGENCY = (
    _answered("child_at_risk_now", "a child may be at risk of harm now"),
    _answered("contact_from_older", "contact from an adult or an older child"),
    _answered("image_of_child", "an image of a child is involved"),
    Urgent(
        "suspected illegal material",
        lambda incident, now: incident.suspected_illegal_material,
        lambda now: Q(suspected_illegal_material=True),
    ),
    Urgent(
        "concern about the headteacher",
        lambda incident, now: incident.subject == Subject.HEADTEACHER,
        lambda now: Q(subject=Subject.HEADTEACHER),
    ),
    Urgent(
        "concern about a member of staff or volunteer",
        lambda incident, now: incident.subject == Subject.STAFF,
        lambda now: Q(subject=Subject.STAFF),
    ),
    Urgent(
        "category D or staff B",
        lambda incident, now: incident.category in URGENT_CATEGORIES,
        lambda now: Q(category__in=URGENT_CATEGORIES),
    ),
    Urgent(
        "not acknowledged in time",
        lambda incident, now: (
            incident.status == Status.REPORTED
            and incident.acknowledge_by is not None
            and incident.acknowledge_by < now
        ),
        lambda now: Q(status=Status.REPORTED, acknowledge_by__lt=now),
    ),
)
# Read from other tables, so not in URGENCY: the queue adds it with one lookup.
OVERDUE_ACTION = "an action is overdue"


def urgent_q(now) -> Q:
    """URGENCY as SQL, on an incident's own columns (the caller adds closed = not urgent
    and the overdue actions)."""
    return reduce(operator.or_, (rule.q(now) for rule in URGENCY))


def urgency_reasons(incident, now, *, overdue_action: bool = False) -> list[str]:
    """Why an open incident is urgent, in words (empty: it is not). Closed: never."""
    if incident.status == Status.CLOSED:
        return []
    reasons = [rule.reason for rule in URGENCY if rule.holds(incident, now)]
    if overdue_action:
        reasons.append(OVERDUE_ACTION)
    return reasons
