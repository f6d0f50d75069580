"""What the product's own records say about each aspect, read from the figures layer
(never computed twice), and the level they suggest.

`evidence_for(school_ids, today)` reads every figure once for all the schools asked. Each
aspect's `Evidence` has plain-English lines, the level the records support (`suggested`,
None where the records can't tell) and why. A rating two or more levels above the
suggestion is flagged for a second look (`flag`), with the reason shown.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format

from esafety.figures import figures_for, registered_figures
from esafety.models import School

from .models import year_label

FLAG_GAP = 2  # levels above the evidence that ask for a second look
TODAY = "today"  # the date the evidence is read for, beside the figures
YEAR = "year"  # the school's academic year, as "2026–27"

FIGURES = (
    "agreements.policy_status",
    "agreements.coverage",
    "risks.register",
    "risks.filtering",
    "devices.summary",
    "training.compliance",
    "training.curriculum",
    "training.parent_sessions",
    "incidents.acknowledged_on_time",
)


@dataclass
class Evidence:
    lines: list = field(default_factory=list)
    suggested: int | None = None
    why: str = ""

    def flag(self, level: int | None) -> str:
        """The reason for a second look, or "" when the rating fits the records."""
        if level is None or self.suggested is None or level - self.suggested < FLAG_GAP:
            return ""
        return (
            f"Rated {level}, but the records suggest {self.suggested} at most: {self.why}. "
            "Take a second look, or say in the notes what evidence the records don't hold."
        )

    def as_data(self) -> dict:
        return {"lines": list(self.lines), "suggested": self.suggested, "why": self.why}

    @classmethod
    def from_data(cls, data) -> "Evidence":
        return cls(list(data.get("lines", [])), data.get("suggested"), data.get("why", ""))


def _band(percent: int | None, bands=((95, 5), (85, 4), (70, 3), (50, 2))) -> int:
    for floor, level in bands:
        if percent is not None and percent >= floor:
            return level
    return 1


def _day(value: datetime.date | None) -> str:
    return date_format(value, "j M Y") if value else ""


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def leadership(f) -> Evidence:
    policy, register = f["agreements.policy_status"], f["risks.register"]
    e = Evidence()
    if policy["version"] is None:
        e.lines.append("No e-safety policy is published.")
        e.suggested, e.why = 1, "no e-safety policy is published"
    else:
        due = policy["next_review"]
        reviewed = policy["last_review"]
        e.lines.append(
            f"E-safety policy version {policy['version']}, published "
            f"{_day(policy['published_on']) or 'date not recorded'}; last reviewed "
            f"{_day(reviewed) or 'not recorded'}; next review due {_day(due) or 'not set'}"
            + (" (a review is open)." if policy["review_open"] else ".")
        )
        e.suggested = 5
        if due is not None and due < f[TODAY]:
            e.suggested, e.why = 2, "the policy's yearly review is overdue"
    e.lines.append(
        f"Risk register: {register['live']} live risks, {register['review_overdue']} "
        f"overdue for review, {register['actions_overdue']} overdue actions."
    )
    if register["review_overdue"] and e.suggested > 3:
        e.suggested, e.why = 3, "risks on the register are overdue for review"
    return e


def filtering(f) -> Evidence:
    found = f["risks.filtering"]
    e = Evidence()
    if found["state"] == "none":
        e.lines.append("No signed filtering and monitoring review is recorded.")
        e.suggested, e.why = 1, "no filtering and monitoring review is recorded"
    else:
        e.lines.append(f"Next filtering and monitoring review due {_day(found['next_due'])}.")
        e.suggested = 5
        if found["state"] == "overdue":
            e.suggested, e.why = 2, "the yearly filtering and monitoring review is overdue"
    e.lines.append(
        f"Checks logged in the last 90 days: {found['checks_90']} "
        f"({found['failed_90']} did not work as expected)."
    )
    if found["checks_90"] == 0 and (e.suggested or 0) > 3:
        e.suggested, e.why = 3, "no checks were logged in the last 90 days"
    return e


def security(f) -> Evidence:
    devices = f["devices.summary"]
    e = Evidence()
    if not devices.in_service:
        e.lines.append("No devices are recorded in the inventory.")
        e.suggested, e.why = 2, "the device inventory is empty"
        return e
    share = _percent(devices.non_compliant, devices.in_service)
    e.lines.append(
        f"Devices in service: {devices.in_service}; not compliant (encryption, anti-virus "
        f"or updates): {devices.non_compliant} ({share}%)."
    )
    e.suggested = 5 if share == 0 else 4 if share <= 10 else 3 if share <= 25 else 2
    e.why = f"{share}% of devices in service are not compliant"
    return e


def data_protection(f) -> Evidence:
    devices = f["devices.summary"]
    e = Evidence()
    late = devices.decided_late_year
    reported_late = devices.reported_year - devices.reported_on_time_year
    e.lines.append(
        f"Personal-data breaches in the last 12 months: {devices.breaches_year}; reported to "
        f"the ICO: {devices.reported_year} ({devices.reported_on_time_year} within 72 hours); "
        f"decided late: {late}; waiting for a decision: {len(devices.undecided)}."
    )
    if late or reported_late:
        e.suggested, e.why = 2, "a breach was decided or reported after 72 hours"
    elif devices.undecided:
        e.suggested, e.why = 3, "a breach is waiting for a decision about the ICO"
    else:
        e.suggested = 5
    return e


def curriculum(f) -> Evidence:
    found = f["training.curriculum"]
    covered, of = len(found["strands"]), found["of"]
    e = Evidence(
        [
            f"Online-safety lessons this school year: {found['lessons']}, covering {covered} of "
            f"the {of} UKCIS strands."
        ]
    )
    e.suggested = 5 if covered >= of else 4 if covered >= 6 else 3 if covered >= 4 else 2
    if covered == 0:
        e.suggested = 1
    e.why = f"lessons this year cover {covered} of {of} strands"
    return e


def training(f) -> Evidence:
    compliance = f["training.compliance"]
    required = sum(r.required for r in compliance.requirements)
    done = sum(r.done for r in compliance.requirements)
    e = Evidence()
    if not required:
        e.lines.append("No training requirements apply to anyone yet.")
        e.suggested, e.why = 1, "no training requirements are set"
        return e
    percent = _percent(done, required)
    e.lines.append(f"Training up to date: {done} of {required} ({percent}%).")
    e.suggested, e.why = _band(percent), f"{percent}% of required training is up to date"
    leadership_gaps = compliance.leadership_at_risk
    if leadership_gaps:
        titles = ", ".join(r.title for r in leadership_gaps)
        e.lines.append(f"Leadership training due, overdue or missing: {titles}.")
        if e.suggested > 3:
            e.suggested, e.why = 3, "leadership training (DSL or trustees) is not up to date"
    return e


def parents(f) -> Evidence:
    years = dict((label, (held, reached)) for label, held, reached in f["training.parent_sessions"])
    held, reached = years.get(f[YEAR], (0, 0))
    e = Evidence([f"Online-safety sessions for parents in {f[YEAR]}: {held}, reaching {reached}."])
    e.suggested = 5 if held >= 3 else 4 if held == 2 else 3 if held == 1 else 2
    e.why = f"{held} parents' sessions recorded this school year"
    return e


def incidents(f) -> Evidence:
    found = f["incidents.acknowledged_on_time"]
    e = Evidence()
    if not found["due"]:
        e.lines.append("No incidents were logged in the last 12 months.")
        e.why = "no incidents to judge by"
        return e
    percent = _percent(found["on_time"], found["due"])
    e.lines.append(
        f"Incidents in the last 12 months acknowledged in time: {found['on_time']} of "
        f"{found['due']} ({percent}%); still waiting past the deadline: "
        f"{found['waiting_late']}."
    )
    e.suggested, e.why = _band(percent), f"{percent}% of incidents were acknowledged in time"
    return e


def acceptable_use(f) -> Evidence:
    coverage = f["agreements.coverage"]
    audience = sum(figures.audience for _, figures in coverage)
    signed = sum(figures.signed for _, figures in coverage)
    e = Evidence()
    if not coverage:
        e.lines.append("No agreements are published.")
        e.suggested, e.why = 1, "no agreements are published"
        return e
    percent = _percent(signed, audience)
    e.lines.append(
        f"Agreements published: {len(coverage)}; signed now: {signed} of {audience}"
        + (f" ({percent}%)." if percent is not None else ".")
    )
    lowest = min(
        ((figures.percent, title.title) for title, figures in coverage if figures.audience),
        default=None,
    )
    if lowest:
        e.lines.append(f"Lowest coverage: {lowest[1]} ({lowest[0]}%).")
    e.suggested, e.why = _band(percent), f"{percent}% of the signatures asked for are in"
    return e


BUILDERS = {
    "leadership": leadership,
    "filtering": filtering,
    "security": security,
    "data_protection": data_protection,
    "curriculum": curriculum,
    "training": training,
    "parents": parents,
    "incidents": incidents,
    "acceptable_use": acceptable_use,
}


def evidence_for(school_ids, today=None) -> dict[int, dict[str, Evidence]]:
    """{school id: {aspect key: Evidence}}, from one read of each figure for all schools.
    A figure whose app isn't installed leaves its aspects without evidence."""
    school_ids = list(school_ids)
    today = today or timezone.localdate()
    known = registered_figures()
    values = {name: figures_for(name, school_ids, today=today) for name in FIGURES if name in known}
    years = {
        school.pk: year_label(school.academic_year_start(today))
        for school in School.objects.filter(pk__in=school_ids)
    }
    result = {}
    for school_id in school_ids:
        found = {name: by_school[school_id] for name, by_school in values.items()}
        found[TODAY], found[YEAR] = today, years.get(school_id, "")
        result[school_id] = {key: _built(build, found) for key, build in BUILDERS.items()}
    return result


def _built(build, found) -> Evidence:
    try:
        return build(found)
    except KeyError:  # a figure it needs is not registered
        return Evidence(lines=["The records for this aspect are not available."])
