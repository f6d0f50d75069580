"""Who may see and do what with policies, agreements and signatures.

Parents: their own signatures and their children's; pupils and staff: their own; the
e-safety officer and headteacher: everything in their school; technicians: the
internet-access register; trustees: approve policies and see coverage figures only.

Built from the core's role predicates (`esafety.roles`); loaded by `AgreementsConfig.ready`.
"""

import rules
from django.db.models import Q

from esafety.models import STAFF_ROLES, ParentLink, Role
from esafety.roles import (
    NOTHING,
    access_for,
    has_any_role,
    is_headteacher_of,
    is_member_of,
    is_school_manager,
    is_trustee,
    is_trustee_over,
    managed_school_ids,
    manages_any_school,
    roles_in,
    schools_with_roles,
)


def signature_visibility_q(user) -> Q:
    """The filter behind Signature.objects.visible_to(user). Fails closed."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    children = ParentLink.objects.filter(parent=user, ended_on__isnull=True).values("child_id")
    visible = Q(signer=user) | Q(subject=user) | Q(subject__in=children)
    managed = managed_school_ids(user)
    if managed:
        visible |= Q(version__document__school_id__in=managed)
    return visible


def versions_to_sign_off_q(user) -> Q:
    """Draft versions in the schools where this person is headteacher."""
    schools = schools_with_roles(user, {Role.HEADTEACHER})
    return Q(status="draft", document__school__in=schools) if schools else NOTHING


def versions_to_approve_q(user) -> Q:
    """Versions the headteacher signed off, in the schools of this trustee's trusts."""
    schools = access_for(user).trust_school_ids
    return Q(status="head_signed_off", document__school__in=schools) if schools else NOTHING


@rules.predicate
def is_technician_of(user, school):
    return school is not None and Role.TECHNICIAN in roles_in(user, school)


@rules.predicate
def is_staff_of(user, school):
    return school is not None and bool(roles_in(user, school) & STAFF_ROLES)


rules.add_rule("agreements.use", has_any_role)
rules.add_rule("agreements.manage_documents", is_school_manager)
rules.add_rule("agreements.sign_off_version", is_headteacher_of)
rules.add_rule("agreements.approve_version", is_trustee_over)
rules.add_rule("agreements.view_registers", is_school_manager)
rules.add_rule("agreements.view_internet_register", is_technician_of | is_school_manager)
rules.add_rule("agreements.view_coverage", is_school_manager | is_trustee_over)
rules.add_rule("agreements.use_coverage", manages_any_school | is_trustee)
rules.add_rule("agreements.record_in_class", is_staff_of)
rules.add_rule("agreements.record_paper", is_staff_of)
# Reading a school's documents (the current policy PDF): anyone with a role there.
rules.add_rule("agreements.read_document", is_member_of | is_trustee_over)
# Versions in progress: the school's managers and the trustees who approve them.
rules.add_rule("agreements.view_version", is_school_manager | is_trustee_over)
rules.add_rule("agreements.publish_version", is_school_manager)
rules.add_rule("agreements.use_approvals", is_trustee)
