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
from django.db.models import Q, Value

from .models import Membership, Role, School, TrusteeMembership, TrustLead, _today

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
    # Trust-wide safeguarding lead: the trusts, and their schools.
    lead_trust_ids: frozenset = frozenset()
    lead_school_ids: frozenset = frozenset()
    # ... of those, the schools whose trust lets the lead see concerns about staff.
    lead_staff_concern_school_ids: frozenset = frozenset()

    @property
    def all_roles(self) -> frozenset:
        return frozenset().union(*self.roles_by_school.values())

    def signature(self) -> str:
        """Everything held, in a stable text: what a cache of something that depends on
        the person's roles keys on (their menu, their home panels), so a role granted or
        ended gives a new key on the very next request."""
        return repr(
            (
                sorted((s, sorted(r)) for s, r in self.roles_by_school.items()),
                *(
                    sorted(ids)
                    for ids in (
                        self.trust_ids,
                        self.chair_trust_ids,
                        self.trust_school_ids,
                        self.lead_trust_ids,
                        self.lead_school_ids,
                        self.lead_staff_concern_school_ids,
                    )
                ),
            )
        )


_EMPTY = Access({}, frozenset(), frozenset(), frozenset())


def access_for(user) -> Access:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _EMPTY
    cached = getattr(user, "_esafety_access", None)
    if cached is not None:
        return cached
    roles_by_school: dict[int, set] = {}
    for school_id, role in (
        # No ordering: the model's default sorts by school and person name, two joins
        # this query, run on every request, doesn't need.
        Membership.objects.active().filter(user=user).order_by().values_list("school_id", "role")
    ):
        roles_by_school.setdefault(school_id, set()).add(role)
    # Trustee and trust-lead roles in one query (a union): most people have neither.
    trust_roles = list(
        TrusteeMembership.objects.active()
        .filter(user=user)
        .values_list("trust_id", "is_chair", Value(False))
        .union(
            TrustLead.objects.active()
            .filter(user=user)
            .values_list("trust_id", Value(False), Value(True))
        )
    )
    trusteeships = [(t, chair) for t, chair, lead in trust_roles if not lead]
    trust_ids = frozenset(t for t, _ in trusteeships)
    lead_trusts = {t for t, _, lead in trust_roles if lead}
    lead_schools = (
        list(
            School.objects.filter(trust_id__in=lead_trusts).values_list(
                "pk", "trust_id", "trust__lead_sees_staff_concerns"
            )
        )
        if lead_trusts
        else []
    )
    access = Access(
        roles_by_school={k: frozenset(v) for k, v in roles_by_school.items()},
        trust_ids=trust_ids,
        chair_trust_ids=frozenset(t for t, chair in trusteeships if chair),
        trust_school_ids=frozenset(
            School.objects.filter(trust_id__in=trust_ids).values_list("pk", flat=True)
        )
        if trust_ids
        else frozenset(),
        lead_trust_ids=frozenset(lead_trusts),
        lead_school_ids=frozenset(school for school, _, _ in lead_schools),
        lead_staff_concern_school_ids=frozenset(s for s, _, sees in lead_schools if sees),
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


def flag_school_ids(user) -> set[int]:
    """The schools whose pupils' vulnerability flags this person may see: where they are
    headteacher or DSL, and the trust lead's schools. The one rule for seeing them."""
    return managed_school_ids(user) | set(access_for(user).lead_school_ids)


def visible_school_ids(user) -> set[int]:
    access = access_for(user)
    return set(access.roles_by_school) | set(access.trust_school_ids) | set(access.lead_school_ids)


def has_left(user) -> bool:
    """A leaver: everything they held here has ended (a role in a school, a trusteeship,
    a trust lead's post), none is in force today and none is to start. Someone never
    given a role (a new account), and the site's administrators, are not leavers."""
    if user.is_staff or user.is_superuser:
        return False
    access = access_for(user)
    if access.roles_by_school or access.trust_ids or access.lead_trust_ids:
        return False
    today = _today()
    held = [model.objects.filter(user=user) for model in (Membership, TrusteeMembership, TrustLead)]
    if any(rows.filter(started_on__gt=today).exists() for rows in held):
        return False
    return any(rows.filter(ended_on__lte=today).exists() for rows in held)


def requires_two_factor(user) -> bool:
    access = access_for(user)
    return (
        bool(access.all_roles & TWO_FACTOR_ROLES)
        or bool(access.trust_ids)
        or bool(access.lead_trust_ids)
    )


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
    if access.lead_trust_ids:
        held.add("trust_lead")
    order = [
        "trust_lead",
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
def is_technician_of(user, school):
    return school is not None and Role.TECHNICIAN in roles_in(user, school)


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
def is_trust_lead(user):
    return bool(access_for(user).lead_trust_ids)


@rules.predicate
def is_trust_lead_over(user, school):
    return school is not None and school.pk in access_for(user).lead_school_ids


@rules.predicate
def chairs_a_trust(user, trust=None):
    """Chair of trustees (of `trust`, when one is given)."""
    chaired = access_for(user).chair_trust_ids
    return bool(chaired) if trust is None else trust.pk in chaired


@rules.predicate
def has_any_role(user):
    access = access_for(user)
    return bool(access.roles_by_school) or bool(access.trust_ids)


@rules.predicate
def manages_any_school(user):
    return bool(managed_school_ids(user))


@dataclass(frozen=True)
class SchoolPredicates:
    """The core's school predicates, asked about an app's own records (see below)."""

    manages: rules.Predicate
    heads: rules.Predicate
    oversees: rules.Predicate
    chairs_trust_of: rules.Predicate


def school_predicates(school_of=lambda obj: getattr(obj, "school", obj)) -> SchoolPredicates:
    """`is_school_manager`, `is_headteacher_of`, `is_trustee_over` and "chair of the
    school's trust", each asked about any object an app's rules receive: `school_of(obj)`
    gives the school it belongs to (by default `obj.school`, or `obj` itself if it is the
    school). None, or an object with no school, passes none of them."""

    def school(obj):
        return None if obj is None else school_of(obj)

    def manages(user, obj):
        return is_school_manager(user, school(obj))

    def heads(user, obj):
        return is_headteacher_of(user, school(obj))

    def oversees(user, obj):
        """A trustee of the school's trust."""
        return is_trustee_over(user, school(obj))

    def chairs_trust_of(user, obj):
        found = school(obj)
        return found is not None and found.trust_id in access_for(user).chair_trust_ids

    return SchoolPredicates(
        *(rules.predicate(f) for f in (manages, heads, oversees, chairs_trust_of))
    )


# --- named rules: the only names views use ------------------------------------------------

rules.add_rule("esafety.view_school", is_member_of | is_trustee_over | is_trust_lead_over)
rules.add_rule("esafety.manage_people", is_school_manager)
rules.add_rule("esafety.manage_school_settings", is_headteacher_of)
rules.add_rule("esafety.manage_closure_days", is_school_manager)
# Integrations' API keys: the headteacher, and IT support who connect the products; the
# API's documentation for the same people, wherever they hold the role.
rules.add_rule("esafety.manage_api_tokens", is_headteacher_of | is_technician_of)
rules.add_rule(
    "esafety.read_api_docs",
    rules.predicate(
        lambda user: bool(schools_with_roles(user, {Role.HEADTEACHER, Role.TECHNICIAN}))
    ),
)
rules.add_rule("esafety.view_trust_overview", is_trustee)
# KCSIE: the trust board answers for safeguarding; its chair appoints the trust's lead.
rules.add_rule("esafety.appoint_trust_lead", chairs_a_trust)
# Sign-in with the trust's Microsoft or Google accounts: set up by the chair of trustees.
rules.add_rule("esafety.manage_trust_sign_in", chairs_a_trust)
# UK GDPR subject access: the register and the search of everything about a person.
rules.add_rule("esafety.subject_access", is_school_manager)
# Retention (UK GDPR storage limitation): the schedule, legal holds and approving
# destruction are the school's leads' (the DSL and the headteacher); never trustees'.
rules.add_rule("esafety.retention", is_school_manager)
# Vulnerability flags on pupils (SEND, looked after, ...): the school's leads and the
# trust's safeguarding lead see them (`flag_school_ids`); only the school's leads set them.
rules.add_rule("esafety.manage_pupil_flags", is_school_manager)


def allowed(user, rule: str, obj=None) -> bool:
    return rules.test_rule(rule, user, obj)


def require(user, rule: str, obj=None) -> None:
    """Raise 403 unless the rule allows it (the object was already fetched in scope)."""
    if not allowed(user, rule, obj):
        raise PermissionDenied


# --- people shown as their role (what trustees see instead of a name) ------------------

STAFF_ROLE_NAMES = {  # most senior first; the seed's words ("IT support")
    Role.HEADTEACHER: "Headteacher",
    Role.ESAFETY_OFFICER: "E-safety officer",
    Role.TECHNICIAN: "IT support",
    Role.STAFF: "Staff member",
}
NO_LONGER_STAFF = "Former member of staff"


def staff_roles_held(pairs) -> dict[tuple[int, int], str]:
    """{(school id, user id): the person's most senior staff role there} for each pair,
    in one query; a pair with no current staff role is left out."""
    pairs = set(pairs)
    held: dict[tuple, set] = {}
    if pairs:
        memberships = Membership.objects.active().filter(
            school_id__in={s for s, _ in pairs},
            user_id__in={u for _, u in pairs},
            role__in=list(STAFF_ROLE_NAMES),
        )
        for school_id, user_id, role in memberships.values_list("school_id", "user_id", "role"):
            held.setdefault((school_id, user_id), set()).add(role)
    return {
        pair: next(role for role in STAFF_ROLE_NAMES if role in roles)
        for pair, roles in held.items()
    }


def role_labels(pairs) -> dict[tuple[int, int], str]:
    """{(school id, user id): "E-safety officer"}: a person as their role at the school,
    for trustees' pages and PDFs (no names); someone who has left, as such."""
    pairs = set(pairs)
    held = staff_roles_held(pairs)
    return {
        pair: STAFF_ROLE_NAMES[held[pair]] if pair in held else NO_LONGER_STAFF for pair in pairs
    }
