"""Who may see and do what in the risk register and the filtering and monitoring records.

- The e-safety officer and the headteacher manage the register and the reviews.
- A risk's owners see it and update its actions; whoever owns an action sees its risk
  (that is all a member of staff ever sees here).
- Technicians see and update the filtering checks and the decision log, and the risks
  they own.
- Trustees see the register and heat map without people's names (owners as roles), the
  counts, and the signed reviews; the chair chooses the trust's scoring matrix.
- Pupils and parents see nothing here.
- Trust-wide risks are kept by the chair of trustees; every school's headteacher and
  e-safety officer, and the trustees, see them; their owners see them and update actions.

Built from the core's role predicates; loaded by `RisksConfig.ready`.
"""

import rules
from django.db.models import Q

from esafety.models import Role
from esafety.roles import (
    NOTHING,
    access_for,
    is_trustee,
    managed_school_ids,
    roles_in,
    school_predicates,
)

# Asked with a school, or a record that has one (a trust-wide risk has none: no school's
# manager, head or trustee passes these for it).
_by_school = school_predicates()
manages, heads, oversees = _by_school.manages, _by_school.heads, _by_school.oversees


def _school(obj):
    """The school a rule is asked about: a school, or a record that has one."""
    return getattr(obj, "school", obj)


def owned_risks_q(user) -> Q:
    """Risks this person owns, or holds an action on, in schools where they have a role."""
    from .models import Action, Risk

    schools = set(access_for(user).roles_by_school)
    if not schools:
        return NOTHING
    owned = Risk.owners.through.objects.filter(user=user).values("risk_id")
    acting = Action.objects.filter(owner=user, risk__isnull=False).values("risk_id")
    return Q(school_id__in=schools) & (Q(pk__in=owned) | Q(pk__in=acting))


def trust_wide_q(user) -> Q:
    """Trust-wide risks of the trusts this person is a trustee of or leads a school in."""
    from esafety.models import School

    access = access_for(user)
    managed = managed_school_ids(user)
    if not (access.trust_ids or managed):
        return NOTHING
    trusts = Q(trust_id__in=access.trust_ids)
    if managed:
        trusts |= Q(trust_id__in=School.objects.filter(pk__in=managed).values("trust_id"))
    return Q(school__isnull=True) & trusts


def risk_visibility_q(user) -> Q:
    """The filter behind Risk.objects.visible_to(user). Fails closed. Trustees are in it
    for the names-free register and heat map; a school risk's own page is not theirs."""
    access = access_for(user)
    visible = trust_wide_q(user)
    if managed := managed_school_ids(user):
        visible |= Q(school_id__in=managed)
    if access.trust_school_ids:
        visible |= Q(school_id__in=access.trust_school_ids)
    if access.roles_by_school:
        visible |= owned_risks_q(user)
    if access.roles_by_school or access.trust_ids:
        from .models import Risk

        owned = Risk.owners.through.objects.filter(user=user).values("risk_id")
        visible |= Q(school__isnull=True, pk__in=owned)
    return visible


# --- predicates -----------------------------------------------------------------------------


@rules.predicate
def is_technician_in(user, obj):
    school = _school(obj) if obj is not None else None
    return school is not None and Role.TECHNICIAN in roles_in(user, school.pk)


def _in_scope(user, risk) -> bool:
    """Someone of the risk's school, or (trust-wide) of its trust."""
    if risk.is_trust_wide:
        return risk.trust_id in access_for(user).trust_ids or bool(
            _trust_school_ids(risk) & set(access_for(user).roles_by_school)
        )
    return bool(roles_in(user, risk.school_id))


def _trust_school_ids(risk) -> set:
    from esafety.models import School

    return set(School.objects.filter(trust_id=risk.trust_id).values_list("pk", flat=True))


@rules.predicate
def owns_risk(user, risk):
    if risk is None or not _in_scope(user, risk):
        return False
    if "owners" in getattr(risk, "_prefetched_objects_cache", {}):
        # Asked once per action on the risk's page: the owners fetched once there.
        return any(owner.pk == user.pk for owner in risk.owners.all())
    return risk.owners.filter(pk=user.pk).exists()


@rules.predicate
def holds_action_on(user, risk):
    if risk is None or not _in_scope(user, risk):
        return False
    return risk.actions.filter(owner=user).exists()


@rules.predicate
def keeps_trust_risk(user, risk):
    """The chair of trustees keeps the trust-wide risks."""
    return (
        risk is not None
        and getattr(risk, "is_trust_wide", False)
        and risk.trust_id in access_for(user).chair_trust_ids
    )


@rules.predicate
def sees_trust_risk(user, risk):
    """Every school's leads, and the trustees, see the trust's trust-wide risks."""
    if risk is None or not getattr(risk, "is_trust_wide", False):
        return False
    from .models import Risk

    return Risk.objects.filter(trust_wide_q(user), pk=risk.pk).exists()


@rules.predicate
def may_accept(user, risk):
    """Above MEDIUM only the headteacher may accept a risk; below, either manager.
    A trust-wide risk: the chair of trustees."""
    if risk is None or risk.status == "closed":
        return False
    if risk.is_trust_wide:
        return keeps_trust_risk(user, risk)
    return heads(user, risk) if risk.head_only else manages(user, risk)


@rules.predicate
def completes_action(user, action):
    if action is None or action.done_on is not None:
        return False
    parent = action.parent
    if action.risk_id and parent.is_trust_wide:
        in_scope = _in_scope(user, parent)
    else:
        in_scope = bool(roles_in(user, parent.school_id))
    if action.owner_id == user.pk and in_scope:
        return True
    if action.risk_id:
        return manages(user, parent) or owns_risk(user, parent) or keeps_trust_risk(user, parent)
    return manages(user, parent)


@rules.predicate
def chairs_trust(user, trust):
    return trust is not None and trust.pk in access_for(user).chair_trust_ids


@rules.predicate
def head_signed(user, record):
    return record is not None and getattr(record, "head_signed_at", None) is not None


@rules.predicate
def register_unsigned_this_year(user, school):
    """The head signs the register once a school year (`sign_off_year`)."""
    from .models import RegisterSignOff

    return school is not None and RegisterSignOff.objects.this_year(school) is None


@rules.predicate
def not_yet_approved(user, sign_off):
    return sign_off is not None and sign_off.approved_at is None


@rules.predicate
def not_yet_signed_by_trustee(user, review):
    return review is not None and review.trustee_signed_at is None


@rules.predicate
def review_open(user, review):
    return review is not None and review.head_signed_at is None


# The register (school-level rules are asked with a school).
rules.add_rule("risks.view_register", manages | oversees | is_technician_in)
rules.add_rule("risks.manage", manages)
rules.add_rule("risks.export", manages)
rules.add_rule("risks.register_pdf", manages | oversees)
rules.add_rule("risks.sign_register", heads & register_unsigned_this_year)
rules.add_rule("risks.approve_register", oversees & not_yet_approved)
rules.add_rule("risks.view_sign_offs", manages | oversees)
rules.add_rule("risks.choose_matrix", chairs_trust)

# One risk.
rules.add_rule("risks.view", manages | owns_risk | holds_action_on | sees_trust_risk)
rules.add_rule("risks.edit", manages | keeps_trust_risk)
rules.add_rule("risks.add_action", manages | owns_risk | keeps_trust_risk)
rules.add_rule("risks.add_trust_risk", chairs_trust)
rules.add_rule("risks.accept", may_accept)
rules.add_rule("risks.complete_action", completes_action)

# Filtering and monitoring.
rules.add_rule("risks.view_filtering", manages | is_technician_in | oversees)
rules.add_rule("risks.log_filtering", manages | is_technician_in)
rules.add_rule("risks.manage_filtering", manages)
rules.add_rule("risks.edit_filtering_review", manages & review_open)
rules.add_rule("risks.view_filtering_review", manages | is_technician_in | (oversees & head_signed))
rules.add_rule("risks.sign_filtering_head", heads & review_open)
rules.add_rule("risks.sign_filtering_trustee", oversees & head_signed & not_yet_signed_by_trustee)
rules.add_rule("risks.view_trust", is_trustee)
