"""Who may see and do what with devices, loans, confiscations, searches and breaches.

- Technicians, the e-safety officer and the headteacher manage the inventory, weekly
  checks, loans, software and disposals of their school.
- The officer and the headteacher see confiscations, searches and the breach register;
  only the headteacher decides whether the ICO is told.
- The office (staff of type "office") keeps confiscated devices: it sees the devices held
  and releases them. Any member of staff records a confiscation or a search and sees the
  ones they recorded.
- Borrowers see their own loans; a parent sees (and signs for) their child's loans.
- Trustees see figures only.

Built from the core's role predicates; loaded by `DevicesConfig.ready`.
"""

import rules
from django.db.models import Q

from esafety.models import STAFF_ROLES, Membership, Role, StaffType
from esafety.roles import (
    MANAGER_ROLES,
    NOTHING,
    access_for,
    children_of,
    is_headteacher_of,
    is_school_manager,
    is_trustee,
    managed_school_ids,
    roles_in,
    schools_with_roles,
)

DEVICE_MANAGER_ROLES = MANAGER_ROLES | {Role.TECHNICIAN}


def device_manager_school_ids(user) -> set[int]:
    return schools_with_roles(user, DEVICE_MANAGER_ROLES)


def office_school_ids(user) -> set[int]:
    """Schools where this person works in the office (cached for the request)."""
    staff_schools = schools_with_roles(user, {Role.STAFF})
    if not staff_schools:
        return set()  # no query for anyone who is not staff somewhere
    cached = getattr(user, "_devices_office_schools", None)
    if cached is None:
        cached = set(
            Membership.objects.active()
            .filter(user=user, role=Role.STAFF, staff_type=StaffType.OFFICE)
            .values_list("school_id", flat=True)
        )
        user._devices_office_schools = cached
    return cached


def _school_id(school):
    return getattr(school, "pk", school)


# --- visibility filters -------------------------------------------------------------------


def managed_by_q(user) -> Q:
    """Inventory-like records: the school's technicians and leads."""
    schools = device_manager_school_ids(user)
    return Q(school_id__in=schools) if schools else NOTHING


def device_visibility_q(user) -> Q:
    return managed_by_q(user)


def loan_visibility_q(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    return managed_by_q(user) | Q(borrower=user) | Q(borrower__in=children_of(user).values("pk"))


def confiscation_visibility_q(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    schools = managed_school_ids(user) | office_school_ids(user)
    staff_schools = schools_with_roles(user, STAFF_ROLES)
    mine = Q(confiscated_by=user, school_id__in=staff_schools) if staff_schools else NOTHING
    return (Q(school_id__in=schools) if schools else NOTHING) | mine


def search_visibility_q(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    managed = managed_school_ids(user)
    staff_schools = schools_with_roles(user, STAFF_ROLES)
    mine = Q(searched_by=user, school_id__in=staff_schools) if staff_schools else NOTHING
    return (Q(school_id__in=managed) if managed else NOTHING) | mine


def breach_visibility_q(user) -> Q:
    """The school's leads; and the chair of trustees once a breach was escalated to them."""
    managed = managed_school_ids(user)
    visible = Q(school_id__in=managed) if managed else NOTHING
    chair_trusts = access_for(user).chair_trust_ids
    if chair_trusts:
        visible |= Q(escalated_at__isnull=False, school__trust_id__in=chair_trusts)
    return visible


# --- predicates ---------------------------------------------------------------------------


@rules.predicate
def is_device_manager_of(user, school):
    return school is not None and bool(roles_in(user, _school_id(school)) & DEVICE_MANAGER_ROLES)


@rules.predicate
def is_staff_of(user, school):
    return school is not None and bool(roles_in(user, _school_id(school)) & STAFF_ROLES)


@rules.predicate
def is_office_of(user, school):
    return school is not None and _school_id(school) in office_school_ids(user)


@rules.predicate
def recorded_it(user, confiscation):
    return confiscation is not None and confiscation.confiscated_by_id == user.pk


@rules.predicate
def keeps_it(user, confiscation):
    """The office or the leads of the school holding the device."""
    return confiscation is not None and (
        is_office_of(user, confiscation.school_id)
        or is_school_manager(user, confiscation.school_id)
    )


@rules.predicate
def manages_loan(user, loan):
    return loan is not None and is_device_manager_of(user, loan.school_id)


@rules.predicate
def holds_loan(user, loan):
    """The borrower, or a parent of the pupil who borrowed it."""
    if loan is None:
        return False
    return loan.borrower_id == user.pk or children_of(user).filter(pk=loan.borrower_id).exists()


@rules.predicate
def is_staff_anywhere(user):
    return bool(schools_with_roles(user, STAFF_ROLES))


rules.add_rule("devices.manage", is_device_manager_of)
rules.add_rule("devices.report_loan_lost", manages_loan | holds_loan)
rules.add_rule("devices.confiscate", is_staff_of)
rules.add_rule("devices.search", is_staff_of)
rules.add_rule("devices.use_pupil_records", is_staff_anywhere)
rules.add_rule("devices.view_held", is_school_manager | is_office_of)
rules.add_rule("devices.release", keeps_it)
rules.add_rule("devices.record_parents_told", keeps_it | recorded_it)
rules.add_rule("devices.view_pupil_record", is_school_manager)
rules.add_rule("devices.view_breaches", is_school_manager)
rules.add_rule("devices.decide_breach", is_headteacher_of)
rules.add_rule("devices.view_figures", is_trustee)
# The leaver checklist: IT support and the school's leads work it (rows: managed_by_q).
rules.add_rule("devices.leavers", is_device_manager_of)
