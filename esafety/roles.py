"""The one place that decides who may see and do what.

Role predicates, object rules (named `rules` rules, tested with `allowed()` /
`require()`), and the ids that queryset scoping (`Model.objects.visible_to(user)`)
filters on. Views never check a role themselves.

Rules are tested with `rules.test_rule`, not `user.has_perm`, on purpose: Django lets
a superuser pass every `has_perm`, and a technical administrator must not see
safeguarding records through that back door.
"""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Membership, ParentLink, Role, School, TrusteeMembership

MANAGER_ROLES = frozenset({Role.HEADTEACHER, Role.ESAFETY_OFFICER})
STAFF_ROLES = frozenset({Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.TECHNICIAN, Role.STAFF})
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
def manages_any_school(user):
    return bool(managed_school_ids(user))


@rules.predicate
def is_self(user, person):
    return person is not None and user.pk == person.pk


@rules.predicate
def manages_person(user, person):
    """A headteacher or e-safety officer of a school the person belongs (or belonged) to."""
    if person is None:
        return False
    managed = managed_school_ids(user)
    return bool(managed) and person.memberships.filter(school_id__in=managed).exists()


@rules.predicate
def is_parent_of(user, child):
    return (
        child is not None
        and ParentLink.objects.filter(parent=user, child=child, ended_on__isnull=True).exists()
    )


# --- named rules: the only names views use ------------------------------------------------

rules.add_rule("esafety.view_school", is_member_of | is_trustee_over)
rules.add_rule("esafety.manage_people", is_school_manager)
rules.add_rule("esafety.manage_school_settings", is_headteacher_of)
rules.add_rule("esafety.view_person", is_self | manages_person)
rules.add_rule("esafety.manage_person", manages_person)
rules.add_rule("esafety.view_trust_overview", is_trustee)
rules.add_rule("esafety.use_people_pages", manages_any_school)


# --- incidents ---------------------------------------------------------------------------
# Need to know (KCSIE): staff see what they reported; the e-safety officer and headteacher
# see their school's incidents, except that a concern about the headteacher is hidden
# from whoever is headteacher of that school (also when they are the e-safety officer)
# and goes to the chair of trustees; trustees see counts and what was routed to them.
# Pupils, parents and technicians have no incident pages.

INCIDENT_STAFF_ROLES = frozenset({Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.STAFF})
_NOTHING = Q(pk__in=[])


def incident_visibility_q(user) -> Q:
    """The filter behind Incident.objects.visible_to(user). Fails closed."""
    access = access_for(user)
    if not access.roles_by_school and not access.trust_ids:
        return _NOTHING
    submitted = ~Q(status="draft")
    own = Q(reported_by=user)
    managed = managed_school_ids(user)
    # Written so each branch filters on school first: the database can use its index.
    visible = _NOTHING
    reporter_only = schools_with_roles(user, INCIDENT_STAFF_ROLES) - managed
    if reporter_only:
        visible |= own & Q(school_id__in=reporter_only)
    if managed:
        visible |= Q(school_id__in=managed) & (submitted | own)
    if access.trust_ids:
        routed = Q(routed_to=user) | Q(escalated_to=user) | Q(trustee_sign_requested_from=user)
        visible |= submitted & routed & Q(school_id__in=access.trust_school_ids)
    head_of = schools_with_roles(user, {Role.HEADTEACHER})
    if head_of:
        visible &= ~Q(subject="headteacher", school_id__in=head_of)
    return visible


def _hidden_from_headteacher(user, incident) -> bool:
    return incident.subject == "headteacher" and Role.HEADTEACHER in roles_in(
        user, incident.school_id
    )


@rules.predicate
def can_log_incidents_in(user, school):
    return school is not None and bool(roles_in(user, school) & INCIDENT_STAFF_ROLES)


@rules.predicate
def logs_incidents_anywhere(user):
    return bool(schools_with_roles(user, INCIDENT_STAFF_ROLES))


@rules.predicate
def is_incident_manager(user, incident):
    """Deals with the incident: the school's e-safety officer or headteacher, or the
    trustee it was routed or escalated to."""
    if incident is None or incident.status == "draft" or _hidden_from_headteacher(user, incident):
        return False
    if roles_in(user, incident.school_id) & MANAGER_ROLES:
        return True
    in_trust = incident.school_id in access_for(user).trust_school_ids
    return in_trust and user.pk in (incident.routed_to_id, incident.escalated_to_id)


@rules.predicate
def is_incident_reporter(user, incident):
    return (
        incident is not None
        and incident.reported_by_id == user.pk
        and not _hidden_from_headteacher(user, incident)
    )


@rules.predicate
def is_draft(user, incident):
    return incident is not None and incident.status == "draft"


@rules.predicate
def signs_as_headteacher(user, incident):
    """The headteacher signs off; for a concern about the headteacher, the chair does."""
    if incident is None or incident.status == "draft":
        return False
    if incident.subject == "headteacher":
        return incident.school.trust_id in access_for(user).chair_trust_ids
    return Role.HEADTEACHER in roles_in(user, incident.school_id)


@rules.predicate
def is_requested_trustee(user, incident):
    """A trustee asked to sign the incident off: they may read it and sign, nothing more."""
    return (
        incident is not None
        and incident.status != "draft"
        and incident.trustee_sign_requested_from_id == user.pk
        and incident.school_id in access_for(user).trust_school_ids
    )


@rules.predicate
def signs_as_trustee(user, incident):
    return (
        incident is not None
        and incident.status != "draft"
        and incident.school_id in access_for(user).trust_school_ids
        and (is_incident_manager(user, incident) or is_requested_trustee(user, incident))
    )


@rules.predicate
def manages_incidents_anywhere(user):
    return bool(managed_school_ids(user))


rules.add_rule("incidents.log", can_log_incidents_in)
rules.add_rule("incidents.use_log", logs_incidents_anywhere)
rules.add_rule("incidents.view", is_incident_reporter | is_incident_manager | is_requested_trustee)
rules.add_rule("incidents.edit_draft", is_incident_reporter & is_draft)
rules.add_rule("incidents.amend", is_incident_manager | (is_incident_reporter & ~is_draft))
rules.add_rule("incidents.manage", is_incident_manager)
rules.add_rule("incidents.sign_off_headteacher", signs_as_headteacher)
rules.add_rule("incidents.sign_off_trustee", signs_as_trustee)
# Trustees' queue lists only what was sent to them (the scoped queryset sees to that).
rules.add_rule("incidents.use_queue", manages_incidents_anywhere | is_trustee)
rules.add_rule("incidents.view_queue_for", is_school_manager)
rules.add_rule("incidents.view_chronology", is_school_manager)
rules.add_rule("incidents.export", is_school_manager)
rules.add_rule("incidents.manage_kinds", is_school_manager)


# --- agreements ------------------------------------------------------------------------
# Parents: their own signatures and their children's; pupils and staff: their own; the
# e-safety officer and headteacher: everything in their school; technicians: the
# internet-access register; trustees: approve policies and see coverage figures only.


def signature_visibility_q(user) -> Q:
    """The filter behind Signature.objects.visible_to(user). Fails closed."""
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    children = ParentLink.objects.filter(parent=user, ended_on__isnull=True).values("child_id")
    visible = Q(signer=user) | Q(subject=user) | Q(subject__in=children)
    managed = managed_school_ids(user)
    if managed:
        visible |= Q(version__document__school_id__in=managed)
    return visible


def versions_to_sign_off_q(user) -> Q:
    """Draft versions in the schools where this person is headteacher."""
    schools = schools_with_roles(user, {Role.HEADTEACHER})
    return Q(status="draft", document__school__in=schools) if schools else _NOTHING


def versions_to_approve_q(user) -> Q:
    """Versions the headteacher signed off, in the schools of this trustee's trusts."""
    schools = access_for(user).trust_school_ids
    return Q(status="head_signed_off", document__school__in=schools) if schools else _NOTHING


@rules.predicate
def has_any_role(user):
    access = access_for(user)
    return bool(access.roles_by_school) or bool(access.trust_ids)


@rules.predicate
def is_technician_of(user, school):
    return school is not None and Role.TECHNICIAN in roles_in(user, school)


@rules.predicate
def is_staff_of(user, school):
    return school is not None and bool(roles_in(user, school) & STAFF_ROLES)


@rules.predicate
def can_see_signature(user, signature):
    from agreements.models import Signature

    return (
        signature is not None
        and Signature.objects.filter(signature_visibility_q(user), pk=signature.pk).exists()
    )


rules.add_rule("agreements.use", has_any_role)
rules.add_rule("agreements.view_signature", can_see_signature)
rules.add_rule("agreements.manage_documents", is_school_manager)
rules.add_rule("agreements.sign_off_version", is_headteacher_of)
rules.add_rule("agreements.approve_version", is_trustee_over)
rules.add_rule("agreements.view_registers", is_school_manager)
rules.add_rule("agreements.view_internet_register", is_technician_of | is_school_manager)
rules.add_rule("agreements.view_coverage", is_school_manager | is_trustee_over)
rules.add_rule("agreements.record_in_class", is_staff_of)
rules.add_rule("agreements.record_paper", is_staff_of)
# Reading a school's documents (the current policy PDF): anyone with a role there.
rules.add_rule("agreements.read_document", is_member_of | is_trustee_over)
# Versions in progress: the school's managers and the trustees who approve them.
rules.add_rule("agreements.view_version", is_school_manager | is_trustee_over)
rules.add_rule("agreements.publish_version", is_school_manager)
rules.add_rule("agreements.use_approvals", is_trustee)


def allowed(user, rule: str, obj=None) -> bool:
    return rules.test_rule(rule, user, obj)


def require(user, rule: str, obj=None) -> None:
    """Raise 403 unless the rule allows it (the object was already fetched in scope)."""
    if not allowed(user, rule, obj):
        raise PermissionDenied
