"""Who may see and do what in the yearly self-review.

- The headteacher and the e-safety officer of the school rate it, write the action plan
  and see it at every stage; the headteacher signs it.
- Trustees of the school's trust see it once the headteacher has signed (no names but
  the governance actors'; action owners as roles); the chair of trustees signs it.
- The owner of an action sees that action and marks it done.
- Nobody else sees anything here.

Built from the core's role predicates; loaded by `SelfreviewConfig.ready`.
"""

import rules
from django.db.models import Q

from esafety.roles import (
    NOTHING,
    access_for,
    is_trustee,
    managed_school_ids,
    roles_in,
    school_predicates,
)


def _school(obj):
    """The school a rule is asked about: a school, or a record that has one."""
    if hasattr(obj, "review"):
        return obj.review.school
    return getattr(obj, "school", obj)


def _review(obj):
    return getattr(obj, "review", obj)


def review_visibility_q(user) -> Q:
    """The filter behind the reviews a person may open: their managed schools' at every
    stage; their trust's schools' once the headteacher has signed. Fails closed."""
    visible = NOTHING
    if managed := managed_school_ids(user):
        visible |= Q(school_id__in=managed)
    if trust_schools := access_for(user).trust_school_ids:
        visible |= Q(school_id__in=trust_schools, head_signed_at__isnull=False)
    return visible


def action_visibility_q(user) -> Q:
    """Actions of reviews the person may open, and their own actions in schools where
    they hold a role today."""
    visible = NOTHING
    if managed := managed_school_ids(user):
        visible |= Q(review__school_id__in=managed)
    if trust_schools := access_for(user).trust_school_ids:
        visible |= Q(review__school_id__in=trust_schools, review__head_signed_at__isnull=False)
    if schools := set(access_for(user).roles_by_school):
        visible |= Q(owner=user, review__school_id__in=schools)
    return visible


# --- predicates -----------------------------------------------------------------------------


# A review, its action, or a school: the core's school predicates asked about its school.
_by_school = school_predicates(_school)
manages, heads, oversees = _by_school.manages, _by_school.heads, _by_school.oversees
chairs_trust_of = _by_school.chairs_trust_of


@rules.predicate
def is_draft(user, obj):
    return obj is not None and _review(obj).head_signed_at is None


@rules.predicate
def head_signed(user, obj):
    return obj is not None and _review(obj).head_signed_at is not None


@rules.predicate
def not_chair_signed(user, obj):
    return obj is not None and _review(obj).chair_signed_at is None


@rules.predicate
def owns_action(user, action):
    return (
        action is not None
        and action.owner_id == user.pk
        and bool(roles_in(user, action.review.school_id))
    )


@rules.predicate
def action_open(user, action):
    return action is not None and action.done_on is None


# A school's reviews (asked with a school).
rules.add_rule("selfreview.view_school", manages | oversees)
rules.add_rule("selfreview.start", manages)
# One review.
rules.add_rule("selfreview.view", manages | (oversees & head_signed))
rules.add_rule("selfreview.edit", manages & is_draft)
rules.add_rule("selfreview.sign_head", heads & is_draft)
rules.add_rule("selfreview.sign_chair", chairs_trust_of & head_signed & not_chair_signed)
rules.add_rule("selfreview.see_names", manages)
# The action plan.
rules.add_rule("selfreview.view_action", manages | owns_action)
rules.add_rule("selfreview.complete_action", (manages | owns_action) & action_open)
# The trust's schools side by side.
rules.add_rule("selfreview.view_trust", is_trustee)
