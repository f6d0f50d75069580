"""Leavers: the roles a sync from the school's MIS ends.

Only a source that lists everyone (a OneRoster "bulk" file, a full pull from a REST
endpoint) can say who has gone by leaving them out; a "delta" file names its leavers
(status `tobedeleted`). Either way a leaver is never deleted: their role here gets an
end date, so their records, history and links stay and the work that hangs on a leaver
(a child's file moving school, a device to return) can start from `people_left`.

Only roles the MIS gives are ended: pupil, staff and parent roles that carry an MIS
reference. Roles given in this product (headteacher, e-safety officer, technician) and
people added by hand without a reference are never ended by a sync.

The school's safeguard ("stop if more than N% would leave") is applied to pupils, staff
and parents separately: a wrong export that drops most of the staff is not hidden among
the pupils. A group where only a few would leave (FEW_LEAVERS or fewer) never stops a
sync, so that two of a small staff leaving at the end of term need no approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from esafety.models import Membership, Role

from .columns import PARENT, PUPIL, STAFF
from .result import ImportResult

TYPE_OF_ROLE = {Role.PUPIL: PUPIL, Role.STAFF: STAFF, Role.PARENT: PARENT}
FEW_LEAVERS = 3  # a group's leavers at or under this never stop a sync
GROUP_NAMES = {PUPIL: "pupils", STAFF: "staff", PARENT: "parents and carers"}


@dataclass
class LeaverSpec:
    """What the source says about who has gone."""

    complete_types: frozenset[str] = frozenset()  # record types the source lists in full
    in_source: set[tuple[str, str]] = field(default_factory=set)  # (type, casefolded ref)
    gone: set[tuple[str, str]] = field(default_factory=set)  # named as leavers
    destinations: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class Leaver:
    membership: Membership
    record_type: str
    destination: str = ""


@dataclass(frozen=True)
class LeaverGroup:
    """How many of one kind of person (pupils, staff or parents) would leave, of how many."""

    record_type: str
    leaving: int
    of: int

    @property
    def percent(self) -> float:
        return 100 * self.leaving / self.of if self.of else 0.0

    def __str__(self) -> str:
        return (
            f"{self.leaving} of {self.of} {GROUP_NAMES.get(self.record_type, self.record_type)}"
            f" ({self.percent:.1f}%)"
        )


def leaver_groups(result: ImportResult) -> list[LeaverGroup]:
    """The leavers of each kind of person, out of that kind's roles here (pupils, staff,
    parents, in that order; kinds no one leaves are left out)."""
    bases = getattr(result, "leaver_bases", {})
    leaving: dict[str, int] = {}
    for leaver in result.leavers:
        leaving[leaver.record_type] = leaving.get(leaver.record_type, 0) + 1
    return [
        LeaverGroup(t, leaving[t], max(bases.get(t, 0), leaving[t]))
        for t in (PUPIL, STAFF, PARENT)
        if leaving.get(t)
    ]


def groups_over_limit(result: ImportResult, percent: int) -> list[LeaverGroup]:
    """The kinds of person of whom more would leave than the school allows: more than
    FEW_LEAVERS of them, and more than `percent` of that kind here."""
    return [g for g in leaver_groups(result) if g.leaving > FEW_LEAVERS and g.percent > percent]


def plan_leavers(*, existing, spec: LeaverSpec, planner, result: ImportResult) -> None:
    """Put the leavers on `result.leavers`, and the number of roles they are out of on
    `result.leaver_base` (all kinds together) and `result.leaver_bases` (by kind: pupils,
    staff, parents), for the school's "stop if more than N% would leave"."""
    matched = {p.membership.pk for p in planner.planned if p.membership is not None}
    base = 0
    bases = {PUPIL: 0, STAFF: 0, PARENT: 0}
    for m in existing.active:
        record_type = TYPE_OF_ROLE.get(m.role)
        if record_type is None:
            continue
        base += 1
        bases[record_type] += 1
        if not m.external_id or m.pk in matched:
            continue
        key = (record_type, m.external_id.casefold())
        if key in spec.gone or (record_type in spec.complete_types and key not in spec.in_source):
            result.leavers.append(Leaver(m, record_type, spec.destinations.get(key, "")))
    result.leaver_base = base
    result.leaver_bases = bases  # by kind; ImportResult's own fields count them together
    result.leavers.sort(key=lambda leaver: (leaver.record_type, leaver.membership.user.full_name))
