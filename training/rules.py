"""Who may see and do what with training records, CPD requests, parents' sessions and
lessons.

Staff: their own records and requests, and the lessons they record. The e-safety officer
and headteacher: the whole school. Trustees: their own training, and figures without
names. Parents: the sessions they were invited to. Pupils: nothing.

Built from the core's role predicates (`esafety.roles`); loaded by `TrainingConfig.ready`.
"""

import rules
from django.db.models import Q

from esafety.models import STAFF_ROLES, Role
from esafety.roles import (
    NOTHING,
    access_for,
    is_school_manager,
    is_trustee,
    is_trustee_over,
    managed_school_ids,
    manages_any_school,
    roles_in,
    schools_with_roles,
)


def own_or_managed_q(user, owner_field: str) -> Q:
    """Rows that are the person's own, or in a school they lead. Fails closed."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    visible = Q(**{owner_field: user})
    managed = managed_school_ids(user)
    if managed:
        visible |= Q(school_id__in=managed)
    return visible


def requirement_visibility_q(user) -> Q:
    """Requirements of the schools where the person works or that their trust runs."""
    access = access_for(user)
    schools = schools_with_roles(user, STAFF_ROLES) | set(access.trust_school_ids)
    return Q(school_id__in=schools) if schools else NOTHING


def parent_session_visibility_q(user) -> Q:
    """The school's leads see all of its sessions; a parent those they were invited to."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    from .models import ParentSession

    # A subquery, not a join over the invited: a join repeats each session once per
    # parent invited (the leads' list showed it over and over; its page was a 500).
    invited_to = ParentSession.invited.through.objects.filter(user=user)
    visible = Q(pk__in=invited_to.values("parentsession_id"), invited_at__isnull=False)
    managed = managed_school_ids(user)
    if managed:
        visible |= Q(school_id__in=managed)
    return visible


@rules.predicate
def works_at(user, school):
    return school is not None and bool(roles_in(user, school) & STAFF_ROLES)


@rules.predicate
def works_anywhere(user):
    return bool(schools_with_roles(user, STAFF_ROLES))


@rules.predicate
def is_parent_anywhere(user):
    return bool(schools_with_roles(user, {Role.PARENT}))


@rules.predicate
def manages_record_school(user, record):
    return record is not None and is_school_manager(user, record.school_id)


@rules.predicate
def is_someone_else_s(user, record):
    """Nobody verifies their own training."""
    return record is not None and record.person_id != user.pk


@rules.predicate
def is_completed(user, record):
    return record is not None and record.completed_on is not None


@rules.predicate
def is_own_planned(user, record):
    return record is not None and record.person_id == user.pk and record.completed_on is None


# My training: everyone who works in a school, and trustees.
rules.add_rule("training.use", works_anywhere | is_trustee)
rules.add_rule("training.use_as_staff", works_anywhere)
rules.add_rule("training.use_as_trustee", is_trustee & ~works_anywhere)
rules.add_rule("training.manage", is_school_manager)
rules.add_rule("training.verify", manages_record_school & is_someone_else_s & is_completed)
rules.add_rule("training.complete_planned", is_own_planned)
rules.add_rule("training.view_figures", is_school_manager | is_trustee_over)
rules.add_rule("training.use_figures", manages_any_school | is_trustee)
rules.add_rule("training.use_figures_as_lead", manages_any_school)
rules.add_rule("training.use_figures_as_trustee", is_trustee & ~manages_any_school)
rules.add_rule("training.ask_cpd", works_anywhere)
rules.add_rule("training.record_lessons", works_at)
rules.add_rule("training.use_lessons", works_anywhere)
rules.add_rule("training.view_parent_sessions", is_parent_anywhere)
