"""Leavers: the roles a sync from the school's MIS ends.

Only a source that lists everyone (a OneRoster "bulk" file, a full pull from a REST
endpoint) can say who has gone by leaving them out; a "delta" file names its leavers
(status `tobedeleted`). Either way a leaver is never deleted: their role here gets an
end date, so their records, history and links stay and the work that hangs on a leaver
(a child's file moving school, a device to return) can start from `people_left`.

Only roles the MIS gives are ended: pupil, staff and parent roles that carry an MIS
reference. Roles given in this product (headteacher, e-safety officer, technician) and
people added by hand without a reference are never ended by a sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from esafety.models import Membership, Role

from .columns import PARENT, PUPIL, STAFF
from .result import ImportResult

TYPE_OF_ROLE = {Role.PUPIL: PUPIL, Role.STAFF: STAFF, Role.PARENT: PARENT}


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


def plan_leavers(*, existing, spec: LeaverSpec, planner, result: ImportResult) -> None:
    """Put the leavers on `result.leavers`, and the number of roles they are out of on
    `result.leaver_base` (for the school's "stop if more than N% would leave")."""
    matched = {p.membership.pk for p in planner.planned if p.membership is not None}
    base = 0
    for m in existing.active:
        record_type = TYPE_OF_ROLE.get(m.role)
        if record_type is None:
            continue
        base += 1
        if not m.external_id or m.pk in matched:
            continue
        key = (record_type, m.external_id.casefold())
        if key in spec.gone or (record_type in spec.complete_types and key not in spec.in_source):
            result.leavers.append(Leaver(m, record_type, spec.destinations.get(key, "")))
    result.leaver_base = base
    result.leavers.sort(key=lambda leaver: (leaver.record_type, leaver.membership.user.full_name))
