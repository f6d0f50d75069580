"""Who may see and act on low-level concerns about adults.

KCSIE: low-level concerns go to the headteacher (about the headteacher: to the chair of
trustees) and are kept in confidence. So:
- the school's headteacher sees its concerns, except any about a headteacher of that
  school (the incident log's head rule, `hidden_from_headteacher_q`, reused);
- the chair of trustees sees concerns about the headteachers of the trust's schools, and
  anything sent to them (a school with no headteacher);
- the trust's safeguarding lead sees them, across the trust, only where the trust lets
  the lead see concerns about staff (as with incidents), to see patterns; they decide
  nothing;
- the person a concern is about never sees it, whatever else they hold;
- the e-safety officer, other staff, trustees, pupils and parents see none: not even
  the one they raised (they are thanked and given its number).
"""

import rules
from django.db.models import Q

from esafety.models import STAFF_ROLES, Role
from esafety.roles import NOTHING, access_for, roles_in, schools_with_roles
from incidents.rules import hidden_from_headteacher, hidden_from_headteacher_q

from .models import Subject


def concern_visibility_q(user) -> Q:
    """The filter behind LowLevelConcern.objects.visible_to(user). Fails closed."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    access = access_for(user)
    visible = NOTHING
    if heads := schools_with_roles(user, {Role.HEADTEACHER}):
        visible |= Q(school_id__in=heads)
    if access.chair_trust_ids:
        visible |= Q(subject=Subject.HEADTEACHER, school__trust_id__in=access.chair_trust_ids)
    if access.trust_school_ids:
        visible |= Q(routed_to=user, school_id__in=access.trust_school_ids)
    if access.lead_staff_concern_school_ids:
        visible |= Q(school_id__in=access.lead_staff_concern_school_ids)
    if visible == NOTHING:
        return NOTHING
    return visible & ~hidden_from_headteacher_q(user) & ~Q(about=user)


def _sees_by_role(user, concern) -> bool:
    """concern_visibility_q for one concern in hand."""
    if concern is None or concern.about_id == user.pk or hidden_from_headteacher(user, concern):
        return False
    access = access_for(user)
    trust_id = concern.school.trust_id
    return (
        Role.HEADTEACHER in roles_in(user, concern.school_id)
        or (concern.subject == Subject.HEADTEACHER and trust_id in access.chair_trust_ids)
        or (concern.routed_to_id == user.pk and concern.school_id in access.trust_school_ids)
        or concern.school_id in access.lead_staff_concern_school_ids
    )


@rules.predicate
def sees_concern(user, concern):
    return _sees_by_role(user, concern)


@rules.predicate
def decides_concern(user, concern):
    """The headteacher, or the chair for a concern about the headteacher (or sent to
    them): not the trust lead, who looks across the trust but decides nothing."""
    if not _sees_by_role(user, concern):
        return False
    if concern.subject == Subject.HEADTEACHER:
        return concern.school.trust_id in access_for(user).chair_trust_ids
    return Role.HEADTEACHER in roles_in(user, concern.school_id) or concern.routed_to_id == user.pk


@rules.predicate
def works_at(user, school):
    return school is not None and bool(roles_in(user, school) & STAFF_ROLES)


@rules.predicate
def reviews_at(user, school):
    """Someone who may be shown a school's list of concerns (its rows then scoped)."""
    if school is None:
        return False
    access = access_for(user)
    return (
        Role.HEADTEACHER in roles_in(user, school)
        or school.trust_id in access.chair_trust_ids
        or school.pk in access.lead_staff_concern_school_ids
    )


@rules.predicate
def reviews_anywhere(user):
    access = access_for(user)
    return bool(
        schools_with_roles(user, {Role.HEADTEACHER})
        or access.chair_trust_ids
        or access.lead_staff_concern_school_ids
    )


def trust_pattern_q(user) -> Q:
    """The schools whose concerns the trust-wide pattern view reads: the chair's trusts,
    and the trust lead's schools where the trust lets them see concerns about staff (the
    rows then scoped by concern_visibility_q)."""
    access = access_for(user)
    return Q(school__trust_id__in=access.chair_trust_ids) | Q(
        school_id__in=access.lead_staff_concern_school_ids
    )


@rules.predicate
def looks_across_trust(user):
    access = access_for(user)
    return bool(access.chair_trust_ids or access.lead_staff_concern_school_ids)


rules.add_rule("concerns.raise", works_at)
rules.add_rule("concerns.review", reviews_at)
rules.add_rule("concerns.use_review", reviews_anywhere)
rules.add_rule("concerns.view", sees_concern)
# Whether it is still open is the service's to check, under the row's lock: a second
# click lands where the first did, with a note.
rules.add_rule("concerns.decide", decides_concern)
rules.add_rule("concerns.trust_patterns", looks_across_trust)
