"""The retention rules: each app declares, as data in its own `retention.py`, what it
keeps, for how long, from when and on what authority. The core names no app: it finds
the modules with `autodiscover_modules("retention")` (from esafety's `ready`, and lazily
on first use) and only knows the rules registered here.

A rule's `candidates(school, viewer, years, today)` returns the records that have
reached their date under a period of `years` (the school's period: never less than the
rule's minimum), each as a `Candidate`, built only from the app's own scoped queryset
(`visible_to(viewer)`): nobody reviews, or destroys, a record they could not open.
A few queries a rule, whatever the number of records.

`destroy(record)` deletes the record, everything that goes with it, their history rows
and their files; the default (`destroy_with_history`) does that for most records.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.utils.module_loading import autodiscover_modules

# "Normal retirement age" for allegations about staff (KCSIE; IRMS): the state pension
# age, 67 for most people working now. ESAFETY_RETIREMENT_AGE overrides it.
DEFAULT_RETIREMENT_AGE = 67


def retirement_age() -> int:
    from django.conf import settings

    return getattr(settings, "ESAFETY_RETIREMENT_AGE", DEFAULT_RETIREMENT_AGE)


def years_text(n: int) -> str:
    return f"{n} year{'s' if n != 1 else ''}"


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later. 29 February in a year without one is 1 March: in
    England a person attains an age at the start of the anniversary of their birth (Family
    Law Reform Act 1969 s.9), and someone born on 29 February is 25 on 1 March in a common
    year. Used for every period, so "a year after" 29 February is 1 March too: a record
    is never destroyed a day before its full period has passed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


@dataclass(frozen=True)
class Candidate:
    """A record that has reached its date. `reference` goes on the tombstone, so it must
    name nobody (an incident's HIL-2026-0042, a device's asset tag); `title` is what the
    officer sees in the review (it may name people: the review is theirs only)."""

    record: models.Model
    keep_until: datetime.date
    occurred_on: datetime.date | None
    reference: str
    title: str
    people: frozenset = frozenset()  # user ids the record is about (for holds on a person)

    @property
    def ref(self) -> str:
        return record_ref(self.record)


def record_ref(record: models.Model) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


@dataclass(frozen=True)
class RetentionRule:
    key: str  # "incidents.child_protection"
    label: str  # "Child protection records"
    kind: str  # the record kind on a tombstone, "Incident report"
    source: str  # the authority, shown to the user and kept on the tombstone
    minimum_years: int  # the legal or guidance floor; a school may only lengthen it
    starts: str  # from when the period runs, "from the pupil's date of birth"
    model: str  # "incidents.Incident": the records it destroys (locked while it does)
    candidates: Callable
    destroy: Callable | None = None
    order: int = 0
    notes: str = field(default="", compare=False)

    def destroy_record(self, record) -> None:
        (self.destroy or destroy_with_history)(record)


_RULES: dict[str, RetentionRule] = {}
_discovered = False


def register_rule(rule: RetentionRule) -> RetentionRule:
    if rule.minimum_years < 0:
        raise ValueError(f"{rule.key}: a minimum can't be negative")
    _RULES[rule.key] = rule
    return rule


def discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("retention")


def registered_rules() -> list[RetentionRule]:
    discover()
    return sorted(_RULES.values(), key=lambda r: (r.order, r.label))


def get_rule(key: str) -> RetentionRule | None:
    discover()
    return _RULES.get(key)


# --- destroying a record ----------------------------------------------------------------


def _history_model(model):
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name).model if name else None


def file_names(instances: Iterable[models.Model]) -> list[tuple]:
    """(storage, name) for every file the instances hold."""
    found = []
    for instance in instances:
        for f in instance._meta.concrete_fields:
            if isinstance(f, models.FileField):
                value = getattr(instance, f.attname)
                if value:
                    found.append((f.storage, str(value)))
    return found


def delete_files_after_commit(files: list[tuple]) -> None:
    """Files go from storage once the deletion is committed: a batch that fails keeps
    its records and their files together."""

    def remove():
        for storage, name in files:
            storage.delete(name)

    if files:
        transaction.on_commit(remove)


def destroy_with_history(record: models.Model) -> None:
    """Delete `record` and whatever its deletion cascades to; then the history rows of
    every one of them (including the "deleted" rows simple-history writes as they go),
    and, after commit, their files. A record still needed elsewhere (a protected link)
    raises ProtectedError and the batch changes nothing. The collector deletes rows by
    SQL, not through a model's delete(): a model that refuses deletion everywhere else
    (a signature) is still destroyed here, and only here."""
    collector = Collector(using=record._state.db or "default")
    collector.collect([record])
    doomed = {model: list(instances) for model, instances in collector.data.items()}
    for queryset in collector.fast_deletes:  # rows deleted in one statement, unfetched
        model = queryset.model
        if _history_model(model) is not None or any(
            isinstance(f, models.FileField) for f in model._meta.concrete_fields
        ):
            doomed.setdefault(model, []).extend(queryset)
    files = file_names(i for instances in doomed.values() for i in instances)
    # Their ids now: deleting sets each instance's pk to None.
    ids = {model: [i.pk for i in instances] for model, instances in doomed.items()}
    collector.delete()
    for model, pks in ids.items():
        history = _history_model(model)
        if history is not None:
            history.objects.filter(**{f"{model._meta.pk.attname}__in": pks}).delete()
    delete_files_after_commit(files)


def model_of(rule: RetentionRule):
    return apps.get_model(rule.model)
