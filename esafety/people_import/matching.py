"""Matching the file's rows against the school's people (see the package docstring)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models.functions import Lower

from esafety.models import Membership, ParentLink, Role, School, TrusteeMembership, User

from .columns import PARENT, PUPIL
from .result import ImportResult
from .validation import Row


def chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Existing:
    """The school's memberships, the file's email owners and their parent links: a few
    queries up front, then dictionaries."""

    def __init__(self, school: School, rows: list[Row], today: datetime.date):
        self.today = today
        memberships = list(Membership.objects.filter(school=school).select_related("user"))
        self.by_ref: dict[tuple[str, str], Membership] = {}
        self.active_by_user_role: dict[tuple[int, str], Membership] = {}
        self.unreferenced_pupils: dict[tuple[str, datetime.date], list[Membership]] = defaultdict(
            list
        )
        self.user_ids_here: set[int] = set()
        self.active = []
        # Older first, so an active membership replaces an ended one for the same key.
        for m in sorted(memberships, key=lambda m: (m.is_active(today), m.started_on, m.pk)):
            self.user_ids_here.add(m.user_id)
            if m.external_id:
                self.by_ref[(m.role, m.external_id.casefold())] = m
            if m.is_active(today):
                self.active.append(m)
                self.active_by_user_role[(m.user_id, m.role)] = m
                if m.role == Role.PUPIL and not m.external_id and m.user.date_of_birth:
                    key = (m.user.full_name.casefold(), m.user.date_of_birth)
                    self.unreferenced_pupils[key].append(m)
        users_here = {m.user_id: m.user for m in memberships}
        self.users_by_email: dict[str, User] = {
            u.email.lower(): u for u in users_here.values() if u.email
        }
        emails = sorted({r.email for r in rows if r.email} - set(self.users_by_email))
        found_elsewhere = []
        for chunk in chunks(emails):
            found = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
            for user in found:
                self.users_by_email.setdefault(user.email_lower, user)
                found_elsewhere.append(user.pk)
        self.outside_trust = accounts_of_other_trusts(found_elsewhere, school)
        # Every link a pair in the file could already have: the child is at this school
        # (a new child has none yet).
        people_here = Membership.objects.filter(school=school).values("user_id")
        self.links = {
            (link.parent_id, link.child_id): link
            for link in ParentLink.objects.filter(child_id__in=people_here)
        }

    def outside(self, user: User) -> bool:
        """An account this school's import may not touch or name: held only in other
        trusts."""
        return user.pk in self.outside_trust

    def pupil(self, key: str) -> Membership | None:
        m = self.by_ref.get((Role.PUPIL, key))
        return m if m is not None and m.is_active(self.today) else None


def accounts_of_other_trusts(user_ids: list[int], school: School) -> set[int]:
    """Of these accounts (none with a role at `school`), those with a role, past or
    present, in another trust and none in this one. An import may only match people of
    its own trust: attaching another trust's headteacher to this school as staff would
    hand this school a say over someone else's account."""
    elsewhere: set[int] = set()
    here: set[int] = set()
    for chunk in chunks(user_ids):
        for user_id, trust_id in Membership.objects.filter(user_id__in=chunk).values_list(
            "user_id", "school__trust_id"
        ):
            (here if trust_id == school.trust_id else elsewhere).add(user_id)
        for user_id, trust_id in TrusteeMembership.objects.filter(user_id__in=chunk).values_list(
            "user_id", "trust_id"
        ):
            (here if trust_id == school.trust_id else elsewhere).add(user_id)
    return elsewhere - here


@dataclass
class Person:
    """Someone the import creates or updates; several rows can share one (staff and
    parent)."""

    user: User | None  # None: a new account
    full_name: str = ""
    email: str = ""
    date_of_birth: datetime.date | None = None
    first_row: int = 0
    email_row: int = 0
    update_details: bool = True  # False for accounts that have no role at this school


@dataclass
class Planned:
    row: Row
    person_key: tuple
    membership: Membership | None  # None: a new role


class Planner:
    def __init__(self, school, rows, result: ImportResult, existing: Existing, pupil_refs):
        self.school = school
        self.pupil_refs_in_file = pupil_refs
        self.rows = rows
        self.result = result
        self.existing = existing
        self.people: dict[tuple, Person] = {}
        self.planned: list[Planned] = []
        self.email_owner: dict[str, tuple] = {}  # email -> person key, within the file
        self.claimed_memberships: dict[int, int] = {}  # membership pk -> row number
        self.roles_planned: dict[tuple, int] = {}  # (person key, role) -> row number

    def describe(self, user: User) -> str:
        if user.pk in self.existing.user_ids_here:
            return f"{user.full_name}, who is already at this school"
        return "someone else's account (not at this school)"

    def plan(self) -> None:
        for row in self.rows:
            resolved = self._match(row)
            if resolved is None:
                continue
            person_key, user, membership = resolved
            if membership is not None:
                earlier = self.claimed_memberships.setdefault(membership.pk, row.number)
                if earlier != row.number:
                    self.result.error(
                        row.number,
                        "mis_id",
                        f"This row and row {earlier} both match "
                        f"{membership.user.full_name}'s "
                        f"{membership.get_role_display().lower()} role. Check the mis_id "
                        "and email on both rows.",
                    )
                    continue
            earlier = self.roles_planned.setdefault((person_key, row.role), row.number)
            if earlier != row.number:
                self.result.error(
                    row.number,
                    "mis_id",
                    f"This row and row {earlier} are the same person with the same role.",
                )
                continue
            if not self._set_details(row, person_key, user):
                continue
            self.planned.append(Planned(row, person_key, membership))

    def _match(self, row: Row):
        """(person key, existing user or None, membership to update or None)."""
        ex = self.existing
        membership = ex.by_ref.get((row.role, row.key))
        if membership is not None and membership.is_active(ex.today):
            return ("user", membership.user_id), membership.user, membership
        user = membership.user if membership is not None else None
        if user is None and row.email:
            user = ex.users_by_email.get(row.email)
        if user is None and row.record_type == PUPIL and row.date_of_birth:
            same = ex.unreferenced_pupils.get((row.full_name.casefold(), row.date_of_birth), [])
            if len(same) == 1:
                return ("user", same[0].user_id), same[0].user, same[0]
        if user is None:
            key = ("new", row.email) if row.email else ("row", row.number)
            return key, None, None
        if ex.outside(user):
            # Refused without a name: the message must not tell the importer whose
            # account it is, nor where.
            self.result.error(
                row.number,
                "email",
                f"'{row.email}' can't be used for a person at {self.school.name}. Ask "
                "the person for another email address (a school or personal one).",
            )
            return None
        active = ex.active_by_user_role.get((user.pk, row.role))
        if active is not None:
            if active.external_id and active.external_id.casefold() != row.key:
                self.result.error(
                    row.number,
                    "email",
                    f"'{row.email}' belongs to {active.user.full_name}, whose "
                    f"{active.get_role_display().lower()} MIS reference here is "
                    f"'{active.external_id}', not '{row.mis_id}'. If this is the same "
                    "person, correct the mis_id; if not, correct the email.",
                )
                return None
            return ("user", user.pk), user, active
        if membership is not None:
            self.result.warn(
                row.number,
                "",
                f"{user.full_name}'s {membership.get_role_display().lower()} role here "
                f"ended on {membership.ended_on:%d/%m/%Y}; the import gives them a new one.",
            )
        elif row.email and user.pk in ex.user_ids_here:
            # Only about someone already at this school: for anyone else, saying so would
            # tell the importer that an account exists elsewhere.
            self.result.warn(
                row.number,
                "email",
                f"{row.email} already has an account, so that account is given the "
                f"{Role(row.role).label.lower()} role here.",
            )
        return ("user", user.pk), user, None

    def _set_details(self, row: Row, person_key, user: User | None) -> bool:
        person = self.people.get(person_key)
        if person is None:
            person = Person(
                user=user,
                first_row=row.number,
                update_details=user is None or user.pk in self.existing.user_ids_here,
                full_name=row.full_name,
                date_of_birth=row.date_of_birth,
            )
            self.people[person_key] = person
        elif row.full_name != person.full_name:
            self.result.warn(
                row.number,
                "first_name",
                f"This person is '{person.full_name}' on row {person.first_row}; that "
                "name was kept.",
            )
        if row.date_of_birth and not person.date_of_birth:
            person.date_of_birth = row.date_of_birth
        if not row.email:
            return True
        owner_in_file = self.email_owner.setdefault(row.email, person_key)
        if owner_in_file != person_key:
            other = self.people[owner_in_file]
            self.result.error(
                row.number,
                "email",
                f"'{row.email}' is also the email of a different person on row "
                f"{other.first_row}. Each person needs their own email address.",
            )
            return False
        owner = self.existing.users_by_email.get(row.email)
        if owner is not None and (user is None or owner.pk != user.pk):
            self.result.error(
                row.number,
                "email",
                f"'{row.email}' is already the email address of {self.describe(owner)}. "
                "Each person needs their own email address.",
            )
            return False
        if person.email and person.email != row.email:
            self.result.error(
                row.number,
                "email",
                f"This person's email is '{person.email}' on row {person.first_row}. Use "
                "the same email address on both rows.",
            )
            return False
        person.email, person.email_row = row.email, row.number
        return True

    def links(self):
        """(parent key, child key, relationship, row) for every parent-child pair."""
        pupils_in_file = {}
        for row in self.planned:
            if row.row.record_type == PUPIL:
                pupils_in_file[row.row.key] = row.person_key
        pupil_refs_with_problems = self.pupil_refs_in_file - set(pupils_in_file)
        pairs = {}
        for planned in self.planned:
            row = planned.row
            if row.record_type != PARENT:
                continue
            for child_id in row.child_ids:
                key = child_id.casefold()
                if key in pupils_in_file:
                    child = pupils_in_file[key]
                elif key in pupil_refs_with_problems:
                    continue  # that pupil's row has its own error
                elif (m := self.existing.pupil(key)) is not None:
                    child = ("user", m.user_id)
                else:
                    self.result.error(
                        row.number,
                        "child_mis_ids",
                        f"There is no pupil with the MIS reference '{child_id}' in this file "
                        f"or at {self.school.name}. Check the child's UPN.",
                    )
                    continue
                if child == planned.person_key:
                    self.result.error(
                        row.number,
                        "child_mis_ids",
                        f"'{child_id}' is this same person. Someone can't be their own "
                        "parent or carer.",
                    )
                    continue
                pairs.setdefault(
                    (planned.person_key, child), (row.relationship, row.number, child_id)
                )
        return pairs
