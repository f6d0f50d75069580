"""Retention's reads and steps: the school's periods, what has reached its date, legal
holds, and approving a batch for destruction. Keyword-only and atomic. Nothing is ever
destroyed but by `approve_destruction`, which an officer calls from the review page.

Approving locks the school's row first: a batch, another batch and a new hold on the
same school take turns, so a hold placed a moment before is always seen, and the same
records are never destroyed twice (the second finds them gone and is told so)."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from ..models import School, User
from ..models_retention import DestructionBatch, LegalHold, RetentionPeriod, Tombstone
from ..once import already_done
from ..services import attributed
from .registry import Candidate, RetentionRule, get_rule, registered_rules, years_text


def periods(school: School) -> dict[str, RetentionPeriod]:
    """The school's own periods, by rule key (one query)."""
    return {p.rule_key: p for p in RetentionPeriod.objects.filter(school=school)}


def years_for(rule: RetentionRule, own: dict[str, RetentionPeriod]) -> int:
    """The school's period for the rule: its own when longer, never below the minimum."""
    period = own.get(rule.key)
    return max(rule.minimum_years, period.years if period else 0)


@transaction.atomic
def set_period(
    *, school: School, rule_key: str, years: int, reason: str, by: User
) -> RetentionPeriod:
    """Keep a rule's records longer (or back to no longer than needed, never below the
    minimum). The history keeps every change, who made it and why."""
    rule = get_rule(rule_key)
    if rule is None:
        raise ValidationError("There is no such rule.")
    if years < rule.minimum_years:
        raise ValidationError(
            {
                "years": f"It can't be shorter than the minimum of "
                f"{years_text(rule.minimum_years)} ({rule.source})."
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the school keeps these records longer."})
    period = (
        RetentionPeriod.objects.select_for_update().filter(school=school, rule_key=rule.key).first()
    )
    period = period or RetentionPeriod(school=school, rule_key=rule.key)
    period.years, period.reason, period.set_by, period.set_at = years, reason, by, timezone.now()
    attributed(period, by, f"Set to {years_text(years)}").save()
    return period


# --- holds --------------------------------------------------------------------------------


@dataclass
class Holds:
    on_people: dict[int, LegalHold]
    on_records: dict[str, LegalHold]

    def for_candidate(self, candidate: Candidate) -> LegalHold | None:
        hold = self.on_records.get(candidate.ref)
        if hold is None:
            hold = next((self.on_people[p] for p in candidate.people if p in self.on_people), None)
        return hold


def active_holds(school: School) -> Holds:
    holds = (
        LegalHold.objects.active()
        .filter(school=school)
        .select_related("placed_by")
        .order_by("placed_at", "pk")
    )
    on_people, on_records = {}, {}
    for hold in holds:
        if hold.person_id:
            on_people.setdefault(hold.person_id, hold)
        else:
            on_records.setdefault(hold.record, hold)
    return Holds(on_people, on_records)


def _lock_school(school: School) -> None:
    School.objects.select_for_update().filter(pk=school.pk).exists()


@transaction.atomic
def place_hold(
    *,
    school: School,
    by: User,
    reason: str,
    person: User | None = None,
    record: str = "",
    record_label: str = "",
) -> LegalHold:
    """Stop destruction of everything about `person` at the school, or of one record."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why: the hold shows its reason to everyone."})
    if (person is None) == (not record):
        raise ValidationError("Choose a person or a record.")
    _lock_school(school)
    hold = LegalHold(
        school=school,
        person=person,
        record=record,
        record_label=record_label[:200],
        reason=reason,
        placed_by=by,
    )
    attributed(hold, by, "Hold placed").save()
    return hold


@transaction.atomic
def lift_hold(*, hold: LegalHold, by: User, reason: str) -> LegalHold:
    """The inquiry or case is over: the records go back to their normal review. Once."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise already_done(f"This hold was lifted already, on {hold.lifted_at:%-d %B %Y}.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hold can be lifted."})
    hold.lifted_at, hold.lifted_by, hold.lifted_reason = timezone.now(), by, reason
    attributed(hold, by, "Hold lifted").save()
    return hold


# --- the review ---------------------------------------------------------------------------


@dataclass
class Due:
    candidate: Candidate
    hold: LegalHold | None


@dataclass
class RuleGroup:
    rule: RetentionRule
    years: int
    due: list[Due]

    @property
    def held(self) -> int:
        return sum(1 for d in self.due if d.hold)


def review(school: School, viewer: User, today: datetime.date | None = None) -> list[RuleGroup]:
    """Every rule's records that reached their date and that `viewer` may see, each with
    the hold that stops it, if any. A few queries a rule."""
    today = today or timezone.localdate()
    own, holds = periods(school), active_holds(school)
    groups = []
    for rule in registered_rules():
        years = years_for(rule, own)
        found = rule.candidates(school=school, viewer=viewer, years=years, today=today)
        due = [Due(c, holds.for_candidate(c)) for c in found if c.keep_until <= today]
        due.sort(key=lambda d: (d.candidate.keep_until, d.candidate.ref))
        groups.append(RuleGroup(rule, years, due))
    return groups


def count_due(school: School, viewer: User, today: datetime.date | None = None) -> int:
    """How many records `viewer` could approve for destruction now (held ones not counted)."""
    return sum(1 for g in review(school, viewer, today) for d in g.due if d.hold is None)


@transaction.atomic
def approve_destruction(
    *,
    school: School,
    by: User,
    refs: list[str],
    token: str | None = None,
    today: datetime.date | None = None,
) -> DestructionBatch:
    """Destroy the ticked records (refs "app.model:pk") as one batch: each must have
    reached its date, be one `by` may see, and be under no hold. Anything wrong and
    nothing is destroyed. A batch sent again (the same `token`) is refused as done."""
    refs = sorted(set(refs))
    if not refs:
        raise ValidationError("Tick the records to destroy.")
    _lock_school(school)
    if token and DestructionBatch.objects.filter(token=token).exists():
        raise already_done("This batch was approved already.")
    _lock_records(refs)
    by_ref = {d.candidate.ref: (g.rule, d) for g in review(school, by, today) for d in g.due}
    gone = [ref for ref in refs if ref not in by_ref and not _exists(ref)]
    if gone:
        raise already_done(
            f"{len(gone)} of the records ticked were destroyed already; nothing else was."
        )
    unknown = [ref for ref in refs if ref not in by_ref]
    if unknown:
        raise ValidationError("Some records ticked have not reached their date. Review again.")
    held = [by_ref[ref][1] for ref in refs if by_ref[ref][1].hold is not None]
    if held:
        raise ValidationError(
            "Under a legal hold, so nothing was destroyed: "
            + "; ".join(f"{d.candidate.title} ({d.hold.reason})" for d in held)
        )
    now = timezone.now()
    batch = DestructionBatch.objects.create(
        school=school, approved_by=by, approved_at=now, count=len(refs), token=token or None
    )
    tombstones = []
    waiting = list(refs)
    # A record another ticked record points to (a confiscation a search names) goes once
    # that one has gone: each pass destroys what it can, in a savepoint, until none moves.
    while waiting:
        refused, blocked = [], None
        for ref in waiting:
            rule, due = by_ref[ref]
            try:
                with transaction.atomic():
                    rule.destroy_record(due.candidate.record)
            except (ProtectedError, RestrictedError) as error:
                refused.append(ref)
                blocked = blocked or (due.candidate, error)
                continue
            tombstones.append(_tombstone(batch, rule, due.candidate))
        if len(refused) == len(waiting):
            candidate, error = blocked
            linked = sorted({obj._meta.verbose_name for obj in error.args[1]})
            raise ValidationError(
                f"{candidate.title} is still linked to other records ({', '.join(linked)}); "
                "nothing was destroyed. Destroy or unlink those first."
            ) from error
        waiting = refused
    Tombstone.objects.bulk_create(tombstones)
    return batch


def _tombstone(batch, rule, candidate) -> Tombstone:
    return Tombstone(
        batch=batch,
        school=batch.school,
        rule_key=rule.key,
        rule_source=rule.source,
        kind=rule.kind,
        reference=candidate.reference[:40],
        occurred_on=candidate.occurred_on,
        keep_until=candidate.keep_until,
        destroyed_at=batch.approved_at,
        approved_by=batch.approved_by,
    )


def _split(ref: str):
    label, _, pk = ref.rpartition(":")
    try:
        return apps.get_model(label), int(pk)
    except (LookupError, ValueError):
        return None, None


def _lock_records(refs: list[str]) -> None:
    """Row locks on every ticked record, in a fixed order (no two batches deadlock)."""
    wanted: dict = {}
    for ref in refs:
        model, pk = _split(ref)
        if model is not None:
            wanted.setdefault(model, []).append(pk)
    for model in sorted(wanted, key=lambda m: m._meta.label_lower):
        list(
            model._base_manager.select_for_update()
            .filter(pk__in=wanted[model])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _exists(ref: str) -> bool:
    model, pk = _split(ref)
    return model is not None and model._base_manager.filter(pk=pk).exists()


def holds_seen_by(holds, viewer) -> list:
    """The holds `viewer` may see and lift: never one on themselves, and one on a record
    only if they may see that record in its app (`visible_to`: the headteacher rule). One
    query per kind of record held."""
    wanted: dict = {}
    for hold in holds:
        model, pk = _split(hold.record) if hold.record else (None, None)
        if model is not None:
            wanted.setdefault(model, set()).add(pk)
    visible = set()
    for model, pks in wanted.items():
        rows = model._default_manager.all()
        if hasattr(rows, "visible_to"):
            rows = rows.visible_to(viewer)
        label = model._meta.label_lower
        visible |= {f"{label}:{pk}" for pk in rows.filter(pk__in=pks).values_list("pk", flat=True)}
    return [
        hold
        for hold in holds
        if hold.person_id != viewer.pk and (not hold.record or hold.record in visible)
    ]
