"""Working out and writing an import's changes: every change is worked out in memory
first (a check-only run gives its counts from the same code), then written in one
transaction with history attributed to the importer, so a failure half-way writes nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from esafety.models import Membership, ParentLink, Role, School, TrusteeMembership, User
from esafety.roles import forget_access

from .columns import CHANGE_REASON, RECORD_TYPES, ROLES_FOR_TYPE
from .matching import Existing, Person, Planner, chunks
from .result import ImportResult
from .validation import Row


@dataclass
class Changes:
    """Everything an import will create or update, worked out before writing."""

    new_users: dict = field(default_factory=dict)  # person key -> unsaved User
    changed_users: list = field(default_factory=list)
    user_fields: set = field(default_factory=set)
    new_memberships: list = field(default_factory=list)  # Planned rows
    changed_memberships: list = field(default_factory=list)
    membership_fields: set = field(default_factory=set)
    new_links: list = field(default_factory=list)  # (parent key, child key, relationship)
    changed_links: list = field(default_factory=list)


def membership_changes(m: Membership, row: Row) -> list[str]:
    wanted = {"external_id": row.mis_id}
    if row.role == Role.STAFF:
        wanted["staff_type"] = row.staff_type
    if row.role == Role.PUPIL:
        wanted["year_group"] = row.year_group
    if row.class_name is not None:
        wanted["class_name"] = row.class_name
    if row.start_date is not None:
        wanted["started_on"] = row.start_date
    changed = []
    for name, value in wanted.items():
        if getattr(m, name) != value:
            setattr(m, name, value)
            changed.append(name)
    return changed


def accounts_in_use(user_ids: list[int], school: School) -> set[int]:
    """Of these accounts, those whose sign-in email an import must not change: anyone
    with a role in another school or trust. (Set passwords are checked in Python.)"""
    in_use = set()
    for chunk in chunks(user_ids):
        in_use.update(
            Membership.objects.filter(user_id__in=chunk)
            .exclude(school=school)
            .values_list("user_id", flat=True)
        )
        in_use.update(
            TrusteeMembership.objects.filter(user_id__in=chunk).values_list("user_id", flat=True)
        )
    return in_use


def user_changes(person: Person, email_locked: bool, result: ImportResult) -> list[str]:
    user = person.user
    changed = []
    if person.email and user.email != person.email:
        if (user.email or "").lower() == person.email or not (user.email and email_locked):
            user.email = person.email
            changed.append("email")
        else:
            # Changing the sign-in address of an account in use would let whoever holds
            # the new address reset its password: a way into someone else's account.
            result.warn(
                person.email_row,
                "email",
                f"{user.full_name} already signs in as {user.email}, so their email was "
                f"not changed to {person.email}. A technical administrator can change it.",
            )
    if person.update_details:
        if person.full_name and user.full_name != person.full_name:
            user.full_name = person.full_name
            changed.append("full_name")
        if person.date_of_birth and user.date_of_birth != person.date_of_birth:
            user.date_of_birth = person.date_of_birth
            changed.append("date_of_birth")
    return changed


def plan_changes(
    *, school: School, planner: Planner, existing: Existing, pairs: dict, result: ImportResult
) -> Changes:
    """Every change the import makes, and the counts on the result; nothing written."""
    changes = Changes()
    changed_people = _plan_people(changes, planner, school, result)
    _plan_memberships(changes, planner, changed_people, result)
    _plan_links(changes, planner, existing, pairs, result)
    # An account from elsewhere counts as new here: the summary mustn't tell the importer
    # that someone with that email already has an account in another school.
    from_elsewhere = [
        p
        for p in planner.people.values()
        if p.user is not None and p.user.pk not in existing.user_ids_here
    ]
    result.new_accounts = len(changes.new_users) + len(from_elsewhere)
    matched = {p.membership.pk for p in planner.planned if p.membership is not None}
    types_in_file = {p.row.record_type for p in planner.planned}
    for record_type in RECORD_TYPES:
        if record_type in types_in_file:
            result.not_in_file[record_type] = sum(
                1
                for m in existing.active
                if m.role in ROLES_FOR_TYPE[record_type] and m.pk not in matched
            )
    return changes


def _plan_people(changes: Changes, planner: Planner, school: School, result) -> dict:
    """New accounts and changed details; returns person key -> the fields that change."""
    changed_people = {}
    email_changes = [
        p.user
        for p in planner.people.values()
        if p.user is not None and p.email and (p.user.email or "").lower() != p.email
    ]
    locked = accounts_in_use([u.pk for u in email_changes], school)
    locked.update(
        u.pk for u in email_changes if u.has_usable_password() or u.is_staff or u.is_superuser
    )
    for key, person in planner.people.items():
        if person.user is None:
            changes.new_users[key] = User(
                email=person.email or None,
                full_name=person.full_name,
                date_of_birth=person.date_of_birth,
                password=make_password(None),
            )
            continue
        fields = user_changes(person, person.user.pk in locked, result)
        if fields:
            changes.changed_users.append(person.user)
            changes.user_fields.update(fields)
            changed_people[key] = fields
    return changed_people


def _plan_memberships(changes: Changes, planner: Planner, changed_people: dict, result) -> None:
    for planned in planner.planned:
        counts = result.counts[planned.row.record_type]
        number = planned.row.number
        if planned.membership is None:
            counts.created += 1
            changes.new_memberships.append(planned)
            result.outcomes[(number, planned.row.record_type)] = ("joined", ())
            continue
        fields = membership_changes(planned.membership, planned.row)
        if fields:
            changes.changed_memberships.append(planned.membership)
            changes.membership_fields.update(fields)
        person_fields = changed_people.get(planned.person_key, [])
        if fields or person_fields:
            counts.updated += 1
            result.outcomes[(number, planned.row.record_type)] = (
                "changed",
                tuple(person_fields) + tuple(fields),
            )
        else:
            counts.unchanged += 1
            result.outcomes[(number, planned.row.record_type)] = ("unchanged", ())


def _plan_links(changes: Changes, planner: Planner, existing: Existing, pairs, result) -> None:
    for (parent_key, child_key), (relationship, number, child_id) in pairs.items():
        link = None
        if parent_key[0] == "user" and child_key[0] == "user":
            link = existing.links.get((parent_key[1], child_key[1]))
        if link is None:
            changes.new_links.append((parent_key, child_key, relationship))
        elif link.ended_on is not None:
            result.warn(
                number,
                "child_mis_ids",
                f"{planner.people[parent_key].full_name}'s link to the child '{child_id}' "
                f"was ended on {link.ended_on:%d/%m/%Y}, so it was not restored. Link them "
                "again on the parent's page if that is right.",
            )
            result.links_unchanged += 1
        elif relationship and link.relationship != relationship:
            link.relationship = relationship
            changes.changed_links.append(link)
        else:
            result.links_unchanged += 1
    result.links_added, result.links_updated = len(changes.new_links), len(changes.changed_links)


def write_changes(
    *,
    changes: Changes,
    school: School,
    imported_by: User | None,
    today: datetime.date,
    result: ImportResult,
    change_reason: str = CHANGE_REASON,
) -> None:
    """Write everything (and end the leavers' roles) in one transaction; a failure
    half-way writes nothing."""
    history = {"default_user": imported_by, "default_change_reason": change_reason}
    try:
        with transaction.atomic():
            if changes.new_users:
                bulk_create_with_history(list(changes.new_users.values()), User, **history)
            if changes.changed_users:
                bulk_update_with_history(
                    changes.changed_users,
                    User,
                    sorted(changes.user_fields),
                    batch_size=500,
                    **history,
                )

            def user_id(key):
                return key[1] if key[0] == "user" else changes.new_users[key].pk

            if changes.new_memberships:
                bulk_create_with_history(
                    [
                        Membership(
                            user_id=user_id(p.person_key),
                            school=school,
                            role=p.row.role,
                            staff_type=p.row.staff_type,
                            year_group=p.row.year_group,
                            class_name=p.row.class_name or "",
                            external_id=p.row.mis_id,
                            started_on=p.row.start_date or today,
                        )
                        for p in changes.new_memberships
                    ],
                    Membership,
                    **history,
                )
            if changes.changed_memberships:
                bulk_update_with_history(
                    changes.changed_memberships,
                    Membership,
                    sorted(changes.membership_fields),
                    batch_size=500,
                    **history,
                )
            if changes.new_links:
                bulk_create_with_history(
                    [
                        ParentLink(
                            parent_id=user_id(parent),
                            child_id=user_id(child),
                            relationship=relationship,
                        )
                        for parent, child, relationship in changes.new_links
                    ],
                    ParentLink,
                    **history,
                )
            if changes.changed_links:
                bulk_update_with_history(
                    changes.changed_links, ParentLink, ["relationship"], batch_size=500, **history
                )
            if result.leavers:
                ended = [leaver.membership for leaver in result.leavers]
                for membership in ended:
                    membership.ended_on = today
                bulk_update_with_history(ended, Membership, ["ended_on"], batch_size=500, **history)
    except IntegrityError:
        result.error(
            None,
            "",
            "Someone else changed these people while the file was being imported, so "
            "nothing was imported. Upload the file again.",
        )
        return
    if imported_by is not None:
        forget_access(imported_by)
    result.imported = True
