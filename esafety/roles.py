"""The core of who may see and do what: who holds which role where, the role
predicates every app builds its rules from, the fail-closed scoping helpers, and
`allowed()` / `require()`.

Each app keeps its own named rules and visibility filters in `<app>/rules.py`, built
from these predicates and loaded when the app is ready; the core names no app. Views
never check a role themselves.

Rules are tested with `rules.test_rule`, not `user.has_perm`, on purpose: Django lets
a superuser pass every `has_perm`, and a technical administrator must not see
safeguarding records through that back door.
"""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Membership, Role, School, TrusteeMembership

# A filter that matches nothing: where a scoping helper fails closed.
NOTHING = Q(pk__in=[])

MANAGER_ROLES = frozenset({Role.HEADTEACHER, Role.ESAFETY_OFFICER})
# DfE cyber security standards: MFA for accounts with wide access to personal data.
TWO_FACTOR_ROLES = frozenset({Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.TECHNICIAN})


@dataclass(frozen=True)
class Access:
    """What a person holds today; computed once per request and cached on the user."""

    roles_by_school: dict
    trust_ids: frozenset
    chair_trust_ids: frozenset
    trust_school_ids: frozenset

    @property
    def all_roles(self) -> frozenset:
        return frozenset().union(*self.roles_by_school.values())


_EMPTY = Access({}, frozenset(), frozenset(), frozenset())


def access_for(user) -> Access:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _EMPTY
    cached = getattr(user, "_esafety_access", None)
    if cached is not None:
        return cached
    roles_by_school: dict[int, set] = {}
    for school_id, role in (
        Membership.objects.active().filter(user=user).values_list("school_id", "role")
    ):
        roles_by_school.setdefault(school_id, set()).add(role)
    trusteeships = list(
        TrusteeMembership.objects.active().filter(user=user).values_list("trust_id", "is_chair")
    )
    trust_ids = frozenset(t for t, _ in trusteeships)
    access = Access(
        roles_by_school={k: frozenset(v) for k, v in roles_by_school.items()},
        trust_ids=trust_ids,
        chair_trust_ids=frozenset(t for t, chair in trusteeships if chair),
        trust_school_ids=frozenset(
            School.objects.filter(trust_id__in=trust_ids).values_list("pk", flat=True)
        )
        if trust_ids
        else frozenset(),
    )
    user._esafety_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached roles, e.g. after a membership changes within one request."""
    user.__dict__.pop("_esafety_access", None)


def roles_in(user, school) -> frozenset:
    school_id = school.pk if isinstance(school, School) else school
    return access_for(user).roles_by_school.get(school_id, frozenset())


def schools_with_roles(user, roles) -> set[int]:
    return {s for s, held in access_for(user).roles_by_school.items() if held & roles}


def managed_school_ids(user) -> set[int]:
    """Schools where the person is headteacher or e-safety officer."""
    return schools_with_roles(user, MANAGER_ROLES)


def visible_school_ids(user) -> set[int]:
    access = access_for(user)
    return set(access.roles_by_school) | set(access.trust_school_ids)


def requires_two_factor(user) -> bool:
    access = access_for(user)
    return bool(access.all_roles & TWO_FACTOR_ROLES) or bool(access.trust_ids)


def children_of(user):
    """The pupils this person is a parent or carer of (links not ended)."""
    from .models import User

    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(parent_links__parent=user, parent_links__ended_on__isnull=True)


def home_roles(user) -> list[str]:
    """The roles the home page is built for, most senior first."""
    access = access_for(user)
    held = set(access.all_roles)
    if access.chair_trust_ids:
        held.add("chair")
    elif access.trust_ids:
        held.add("trustee")
    order = [
        "chair",
        "trustee",
        Role.HEADTEACHER,
        Role.ESAFETY_OFFICER,
        Role.TECHNICIAN,
    ]
    order += [Role.STAFF, Role.PARENT, Role.PUPIL]
    return [r for r in order if r in held]


# --- predicates -------------------------------------------------------------------------


@rules.predicate
def is_school_manager(user, school):
    return school is not None and bool(roles_in(user, school) & MANAGER_ROLES)


@rules.predicate
def is_headteacher_of(user, school):
    return school is not None and Role.HEADTEACHER in roles_in(user, school)


@rules.predicate
def is_member_of(user, school):
    return school is not None and bool(roles_in(user, school))


@rules.predicate
def is_trustee_over(user, school):
    return school is not None and school.pk in access_for(user).trust_school_ids


@rules.predicate
def is_trustee(user):
    return bool(access_for(user).trust_ids)


@rules.predicate
def has_any_role(user):
    access = access_for(user)
    return bool(access.roles_by_school) or bool(access.trust_ids)


@rules.predicate
def manages_any_school(user):
    return bool(managed_school_ids(user))


# --- named rules: the only names views use ------------------------------------------------

rules.add_rule("esafety.view_school", is_member_of | is_trustee_over)
rules.add_rule("esafety.manage_people", is_school_manager)
rules.add_rule("esafety.manage_school_settings", is_headteacher_of)
rules.add_rule("esafety.view_trust_overview", is_trustee)


def allowed(user, rule: str, obj=None) -> bool:
    return rules.test_rule(rule, user, obj)


def require(user, rule: str, obj=None) -> None:
    """Raise 403 unless the rule allows it (the object was already fetched in scope)."""
    if not allowed(user, rule, obj):
        raise PermissionDenied
