"""How long loans, confiscations, searches and data breaches are kept, as data for the
core's retention review (found by esafety/retention/registry.py's autodiscovery). No law
sets these periods: they are the school's schedule, with defaults from the IRMS toolkit
and the Limitation Act 1980 (a claim can come up to 6 years later). Only finished
records are listed: a loan still out, a phone still in the safe, a breach not yet
decided are never due."""

from django.db.models import Q
from django.utils import timezone

from esafety.retention.registry import Candidate, RetentionRule, add_years, register_rule

from .models import Confiscation, Loan, Search
from .models_breaches import Breach


def _day(when):
    return timezone.localtime(when).date()


def _candidates(rows, years, ended, reference, title, people):
    found = []
    for row in rows:
        end = ended(row)
        found.append(
            Candidate(
                record=row,
                keep_until=add_years(_day(end), years),
                occurred_on=_day(end),
                reference=reference(row),
                title=title(row),
                people=frozenset(people(row)),
            )
        )
    return found


def loans(*, school, viewer, years, today):
    rows = (
        Loan.objects.visible_to(viewer)
        .filter(school=school)
        .filter(
            Q(returned_at__isnull=False) | Q(cancelled_at__isnull=False) | Q(lost_at__isnull=False)
        )
        .select_related("device", "borrower")
    )
    return _candidates(
        rows,
        years,
        lambda loan: loan.returned_at or loan.cancelled_at or loan.lost_at,
        lambda loan: f"LOAN-{loan.pk}",
        lambda loan: f"{loan.device.asset_tag} lent to {loan.borrower}",
        lambda loan: [loan.borrower_id],
    )


def confiscations(*, school, viewer, years, today):
    rows = (
        Confiscation.objects.visible_to(viewer)
        .filter(school=school, released_at__isnull=False)
        .select_related("pupil")
    )
    return _candidates(
        rows,
        years,
        lambda c: c.released_at,
        lambda c: f"CONF-{c.pk}",
        lambda c: f"{c.description}, taken from {c.pupil}",
        lambda c: [c.pupil_id],
    )


def searches(*, school, viewer, years, today):
    rows = Search.objects.visible_to(viewer).filter(school=school).select_related("pupil")
    return _candidates(
        rows,
        years,
        lambda s: s.searched_at,
        lambda s: f"SEARCH-{s.pk}",
        lambda s: f"Search of {s.pupil}",
        lambda s: [s.pupil_id],
    )


def breaches(*, school, viewer, years, today):
    rows = Breach.objects.visible_to(viewer).filter(school=school, decided_at__isnull=False)
    return _candidates(
        rows,
        years,
        lambda b: b.became_aware_at,
        lambda b: f"BREACH-{b.number}",
        lambda b: f"Breach {b.number}",
        lambda b: [],
    )


SCHEDULE = "The school's schedule"

register_rule(
    RetentionRule(
        key="devices.loans",
        label="Device loans",
        kind="Device loan",
        source=(
            f"{SCHEDULE}: the IRMS Information Management Toolkit for Schools keeps "
            "records of equipment lent out for a year after its return."
        ),
        minimum_years=1,
        starts="from the return (or cancellation, or loss)",
        model="devices.Loan",
        candidates=loans,
        order=50,
    )
)
register_rule(
    RetentionRule(
        key="devices.confiscations",
        label="Confiscated devices",
        kind="Confiscation",
        source=(
            f"{SCHEDULE}: DfE Searching, screening and confiscation (2022) asks for a "
            "record but sets no period; kept a year after the device was given back."
        ),
        minimum_years=1,
        starts="from when the device was given back",
        model="devices.Confiscation",
        candidates=confiscations,
        order=60,
    )
)
register_rule(
    RetentionRule(
        key="devices.searches",
        label="Searches of pupils",
        kind="Search record",
        source=(
            f"{SCHEDULE}: DfE Searching, screening and confiscation (2022) asks for a "
            "record but sets no period; kept 6 years (Limitation Act 1980) unless a "
            "safeguarding record keeps it longer."
        ),
        minimum_years=6,
        starts="from the search",
        model="devices.Search",
        candidates=searches,
        order=70,
    )
)
register_rule(
    RetentionRule(
        key="devices.breaches",
        label="Personal data breaches",
        kind="Data breach record",
        source=(
            f"{SCHEDULE}: UK GDPR Article 33(5) requires every breach to be documented; "
            "kept 6 years from when the school became aware (Limitation Act 1980)."
        ),
        minimum_years=6,
        starts="from when the school became aware (once the ICO decision is made)",
        model="devices.Breach",
        candidates=breaches,
        order=80,
    )
)
