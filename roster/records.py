"""OneRoster people turned into the people import's records (its template's columns), so
the sync checks, matches and writes them exactly as the CSV import does.

- A pupil is a `student`; staff are `teacher`, `aide` (a teaching assistant) and the
  office roles; parents and carers are `parent`, `guardian` and `relative`. Trust-wide
  administrators (`districtAdministrator`, `systemAdministrator`) are not people of the
  school and are passed over. A OneRoster 1.2 person with two roles (a teacher who is also
  a parent) gives two records, as in the CSV import.
- People are recognised by their OneRoster `sourcedId` (the MIS's own id), or, if the
  school chose it, by `identifier` (admission number or staff code) where the MIS gives
  one: that is what an earlier CSV import may have used.
- Parent links come from both directions of `agentSourcedIds` (exporters fill one side or
  the other). A contact linked to no pupil of this school is not a parent here (and one
  who was becomes a leaver).
- The year group comes from `grades`: `01`-`13` are years 1 to 13, `KG` is Reception;
  or, for a MIS that sends US grades (the school's setting), one year more. Anything else
  is refused with the value, so the school can see what their MIS sends.
- The class is the pupil's (or the teacher's) homeroom, where the MIS sends homerooms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from esafety.people_import import PARENT, PUPIL, STAFF, LeaverSpec, parse_year_group

from .oneroster import RosterData, RosterProblem, RosterUser

STAFF_TYPES = {
    "teacher": "Teacher",
    "principal": "Teacher",
    "aide": "Teaching assistant",
    "administrator": "Office",
    "siteAdministrator": "Office",
    "counselor": "Office",
    "proctor": "Office",
}
PARENT_RELATIONSHIPS = {"parent": "", "guardian": "guardian", "relative": "relative"}
NOT_OF_THE_SCHOOL = {"districtAdministrator", "systemAdministrator"}
RECEPTION_GRADES = {"kg", "r", "rec", "reception"}


@dataclass
class Converted:
    """What the sync hands to the people import, and how to name each record."""

    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    labels: dict[int, tuple[str, str]] = field(default_factory=dict)  # number -> (ref, name)
    spec: LeaverSpec = field(default_factory=LeaverSpec)
    # Set aside before the import sees them: (number, record type, reason).
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def year_group_cell(grades: list[str], us_grades: bool = False) -> str:
    """The year group from OneRoster `grades`: England's numbering (07 is Year 7, KG is
    Reception), or, for a MIS that sends US grades, one more (06 is Year 7, PK is
    Reception). A value neither reads is passed on for the import to refuse by name."""
    for grade in grades:
        key = grade.strip().lower()
        if us_grades:
            if key in ("pk", "tk"):
                return "R"
            if key == "kg":
                return "1"
        elif key in RECEPTION_GRADES:
            return "R"
        try:
            year = parse_year_group(grade)
        except ValueError:
            continue
        return str(year + 1) if us_grades and year < 13 else str(year)
    return grades[0] if grades else ""


def school_org(roster: RosterData, org_id: str) -> str:
    """The org whose people the sync takes: the school's setting, else the bundle's only
    school, else "" (everyone: a feed for this school alone)."""
    if org_id:
        if roster.schools and org_id not in roster.schools:
            listed = ", ".join(f"{n} ({k})" for k, n in sorted(roster.schools.items()))
            raise RosterProblem(
                f"The MIS data has no school with the sourcedId '{org_id}' from the sync "
                f"settings. It lists: {listed}."
            )
        return org_id
    if len(roster.schools) > 1:
        listed = ", ".join(f"{n} ({k})" for k, n in sorted(roster.schools.items()))
        raise RosterProblem(
            f"The MIS data holds {len(roster.schools)} schools: {listed}. Enter this "
            "school's sourcedId in the sync settings so only its people are taken."
        )
    return ""


def _kinds(user: RosterUser, org: str) -> dict[str, str]:
    """Record type -> the OneRoster role it comes from, for this school's org."""
    kinds: dict[str, str] = {}
    for role, role_org in user.roles:
        if org and role_org and role_org != org:
            continue
        if role == "student":
            kinds.setdefault(PUPIL, role)
        elif role in STAFF_TYPES:
            kinds.setdefault(STAFF, role)
        elif role in PARENT_RELATIONSHIPS:
            kinds.setdefault(PARENT, role)
    return kinds


def convert(
    roster: RosterData, *, org_id: str = "", match_on: str = "sourcedId", us_grades=False
) -> Converted:
    org = school_org(roster, org_id)
    out = Converted(warnings=list(roster.warnings))
    users = {u.sourced_id: u for u in roster.users if u.sourced_id}
    kinds = {sid: _kinds(u, org) for sid, u in users.items()}
    pupils = {sid for sid, k in kinds.items() if PUPIL in k and not users[sid].gone}

    def ref(user: RosterUser) -> str:
        if match_on == "identifier" and user.identifier:
            return user.identifier
        return user.sourced_id

    children: dict[str, list[str]] = {}
    for sid in sorted(pupils, key=lambda s: users[s].line):
        for agent in users[sid].agents:
            children.setdefault(agent, []).append(sid)
    for sid, user in users.items():
        if PARENT in kinds[sid]:
            for child in user.agents:
                if child in pupils and child not in children.setdefault(sid, []):
                    children[sid].append(child)

    number = 0
    passed_over = unlinked = 0
    for user in sorted(users.values(), key=lambda u: u.line):
        if not kinds[user.sourced_id]:
            here = [r for r, o in user.roles if not (org and o and o != org)]
            if not user.roles or any(r not in NOT_OF_THE_SCHOOL for r in here):
                passed_over += 1
            continue
        for record_type, role in kinds[user.sourced_id].items():
            number += 1
            key = (record_type, ref(user).casefold())
            out.labels[number] = (user.sourced_id, user.name)
            if user.gone:
                out.spec.gone.add(key)
                if user.destination:
                    out.spec.destinations[key] = user.destination
                continue
            cells = {
                "record_type": record_type,
                "mis_id": ref(user),
                "first_name": user.given_name,
                "last_name": user.family_name,
                "email": user.email,
            }
            if roster.has_homerooms and record_type != PARENT:
                cells["class_name"] = roster.homerooms.get(user.sourced_id, "")
            if record_type == PUPIL:
                cells["year_group"] = year_group_cell(user.grades, us_grades)
                if user.birth_date:
                    cells["date_of_birth"] = user.birth_date
            elif record_type == STAFF:
                cells["staff_type"] = STAFF_TYPES[role]
            else:
                if roster.complete:
                    linked = children.get(user.sourced_id, [])
                else:  # a delta: the children may be at the school already
                    linked = list(dict.fromkeys(user.agents + children.get(user.sourced_id, [])))
                if not linked:
                    unlinked += 1  # not a parent here (and, if they were, now a leaver)
                    continue
                cells["child_mis_ids"] = "; ".join(
                    ref(users[c]) if c in users else c for c in linked
                )
                cells["relationship"] = PARENT_RELATIONSHIPS[role]
            out.spec.in_source.add(key)
            out.records.append((number, cells))
    if passed_over:
        out.warnings.append(
            f"{passed_over} {'person has a role' if passed_over == 1 else 'people have roles'} "
            "the sync doesn't use, so they were passed over."
        )
    if unlinked:
        out.warnings.append(
            f"{unlinked} parent{'s or carers' if unlinked != 1 else ' or carer'} linked to no "
            "pupil at this school in the MIS were passed over."
        )
    if roster.complete:
        # Only the kinds of people the MIS sends at all: a feed without contacts (some
        # MIS's OneRoster feeds have none) must not end every parent's role.
        out.spec.complete_types = frozenset(
            record_type for _, cells in out.records for record_type in [cells["record_type"]]
        )
    return out
