"""Safeguarding cover: who takes a pupil's incident on a given day. Every rule is here.

- The school's e-safety officers are its designated safeguarding leads: the one its
  headteacher names (else the longest-serving) is the designated safeguarding lead, the
  others are deputy DSLs.
- A concern about a pupil (or an outside person) goes to the lead and every deputy who is
  not away that day. The lead is the one it is sent to; if the lead is away, the first
  deputy in school is, at once: nobody waits for the escalation timer to pass the lead by.
- Everyone away (or no officer at all): the headteacher, one in school first.
- The first of them to acknowledge it takes it (`takes_it`).
- Escalation never goes to someone away when someone else in the chain is there
  (`away_ids`, read by routing.escalation_target).
Concerns about staff or the headteacher are routed as before (routing.py).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from esafety.models import Role, User
from esafety.params import parse_id
from esafety.roles import roles_in
from esafety.services import attributed, holders

from .models import ALLEGATION_SUBJECTS
from .models_cover import Absence, DesignatedLead

LEAD = "Designated safeguarding lead"
DEPUTY = "Deputy DSL"


@dataclass(frozen=True)
class Cover:
    """Who takes incidents at a school on `day`, and who of them is away."""

    day: datetime.date
    lead: User | None
    deputies: list[User] = field(default_factory=list)
    heads: list[User] = field(default_factory=list)
    away: dict[int, Absence] = field(default_factory=dict)  # person id -> their absence

    def is_away(self, user) -> bool:
        return user is not None and user.pk in self.away

    @property
    def leads(self) -> list[User]:
        """The lead, then the deputies."""
        return [self.lead, *self.deputies] if self.lead else []

    @property
    def leads_in(self) -> list[User]:
        return [person for person in self.leads if not self.is_away(person)]

    @property
    def covering(self) -> User | None:
        """Who takes the lead's incidents today, when the lead is away."""
        if not self.is_away(self.lead):
            return None
        return next(iter(self.leads_in), None)

    def present_first(self, people) -> list[User]:
        """`people` with those in school first, each group in its own order."""
        return sorted(people, key=self.is_away)

    def title_of(self, user) -> str:
        if user == self.lead:
            return LEAD
        return DEPUTY if user in self.deputies else "Headteacher"


def day_of(moment=None) -> datetime.date:
    return timezone.localdate(moment) if moment else timezone.localdate()


def named_lead(school, officers) -> User | None:
    """The lead the headteacher named, if still an officer; else the longest-serving."""
    named = DesignatedLead.objects.filter(school=school).values_list("lead_id", flat=True)
    named_id = next(iter(named), None)
    return next((o for o in officers if o.pk == named_id), next(iter(officers), None))


def cover_on(school, day=None, *, officers=None, heads=None) -> Cover:
    """The school's cover on `day` (today by default). Four queries, fewer when the
    caller already holds the officers and headteachers."""
    day = day or day_of()
    officers = holders(school, Role.ESAFETY_OFFICER) if officers is None else officers
    heads = holders(school, Role.HEADTEACHER) if heads is None else heads
    lead = named_lead(school, officers)
    absences = Absence.objects.filter(school=school).on(day).order_by("away_to", "pk")
    return Cover(
        day=day,
        lead=lead,
        deputies=[o for o in officers if o != lead],
        heads=heads,
        away={a.person_id: a for a in absences},
    )


def pupil_routing(cover: Cover) -> tuple[User | None, list[User], str]:
    """(sent to, also told, why) for a concern about a pupil or an outside person."""
    leads_in = cover.leads_in
    if leads_in:
        if cover.is_away(cover.lead):
            reason = (
                f"The designated safeguarding lead ({cover.lead}) is away, so this goes to "
                "a deputy at once."
            )
        else:
            reason = "Incidents go to the designated safeguarding lead at once."
        return leads_in[0], leads_in[1:], reason
    heads = cover.present_first(cover.heads)
    if cover.leads:
        reason = "Every safeguarding lead is away, so this goes to the headteacher."
        # Nobody in school: still sent to someone, rather than to nobody.
        fallback = heads or cover.leads
    else:
        reason = "The school has no e-safety officer, so this goes to the headteacher."
        fallback = heads
    return next(iter(fallback), None), [], reason


def away_ids(school, day=None) -> set[int]:
    return set(
        Absence.objects.filter(school=school)
        .on(day or day_of())
        .values_list("person_id", flat=True)
    )


def takes_it(incident, by) -> bool:
    """Whether acknowledging makes `by` the one it is sent to: any of the school's leads
    (the designated lead or a deputy) acknowledging a concern about a pupil takes it over.
    A concern about an adult stays with the headteacher or the chair it was sent to."""
    return (
        incident.subject not in ALLEGATION_SUBJECTS
        and incident.routed_to_id != by.pk
        and Role.ESAFETY_OFFICER in roles_in(by, incident.school_id)
    )


def absences_from(school, day=None):
    """Today's and coming absences, soonest first, for the cover page."""
    return (
        Absence.objects.filter(school=school)
        .from_day(day or day_of())
        .select_related("person", "recorded_by")
        .order_by("away_from", "pk")
    )


def cover_people(school):
    """Those whose absence can be recorded: the school's officers and headteachers."""
    members = holders(school, Role.ESAFETY_OFFICER, Role.HEADTEACHER)
    return User.objects.filter(pk__in=[m.pk for m in members]).order_by("full_name", "pk")


# --- services: recording the cover ----------------------------------------------------------


@transaction.atomic
def record_absence(*, school, person, away_from, away_to, by, note: str = "") -> Absence:
    absence = Absence(
        school=school,
        person=person,
        away_from=away_from,
        away_to=away_to,
        note=note.strip(),
        recorded_by=by,
    )
    attributed(absence, by, "Absence recorded").save()
    return absence


@transaction.atomic
def end_absence(*, school, absence_id: int, by) -> str:
    """Back in school today: an absence already begun ends yesterday (kept: it happened);
    one not yet begun is cancelled. Twice, or by two leads at once: the first counts."""
    today = day_of()
    absence = Absence.objects.select_for_update().filter(school=school, pk=absence_id).first()
    if absence is None or absence.away_to < today:
        return "That absence was already ended."
    if absence.away_from < today:
        absence.away_to = today - datetime.timedelta(days=1)
        attributed(absence, by, "Back in school").save(update_fields=["away_to"])
        return f"{absence.person} is back in school from today."
    attributed(absence, by, "Cancelled")
    absence.delete()
    return f"{absence.person}'s absence was cancelled."


def absence_was_recorded(school, absence_id) -> bool:
    """Ever recorded at this school: one cancelled by a first click (deleted, but in its
    history) still counts, so the second click is "already ended", not "not found"."""
    absence_id = parse_id(absence_id)
    return bool(absence_id) and Absence.history.filter(id=absence_id, school=school).exists()


@transaction.atomic
def name_lead(*, school, lead, by) -> DesignatedLead:
    """The headteacher names the designated lead from the school's e-safety officers."""
    if lead not in holders(school, Role.ESAFETY_OFFICER):
        raise ValidationError("Choose one of the school's e-safety officers.")
    named = DesignatedLead.objects.select_for_update().filter(school=school).first()
    named = named or DesignatedLead(school=school)
    named.lead, named.named_by = lead, by
    attributed(named, by, "Designated safeguarding lead named").save()
    return named
