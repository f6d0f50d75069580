"""Who may see the governance dashboard and the termly reports.

- Trustees: every school of their trust and the trust as a whole, figures only, no names;
  the chair also the count of concerns about staff (and about the headteacher), and the
  trust's setting for small numbers.
- The headteacher and the e-safety officer: their own school's dashboard. The headteacher
  writes and signs the school's termly report; the chair the trust's.
- A termly report reaches trustees when it is signed: until then it is the headteacher's
  (and the officer's) draft, or the chair's for the trust's report, and for every other
  trustee it does not exist (not listed, 404).
- Everyone else: nothing here.

Built from the core's role predicates; loaded by `GovernanceConfig.ready`.
"""

import rules
from django.db.models import Q

from esafety.models import Role
from esafety.roles import (
    NOTHING,
    access_for,
    is_headteacher_of,
    is_school_manager,
    is_trustee,
    is_trustee_over,
    managed_school_ids,
    manages_any_school,
    roles_in,
    visible_school_ids,
)

from .models import ReportStatus


def _trust_id(trust):
    return getattr(trust, "pk", trust)


def seen_trust_ids(user) -> set[int]:
    """Trusts whose existence this person may know of: theirs as a trustee, and the trusts
    of their schools (others get a 404, not a 403)."""
    from esafety.models import School

    access = access_for(user)
    ids = set(access.trust_ids) | set(access.lead_trust_ids)
    if access.roles_by_school:
        ids |= set(
            School.objects.filter(pk__in=access.roles_by_school).values_list("trust_id", flat=True)
        )
    return ids


def report_scope_q(user) -> Q:
    """Reports whose existence this person may know of (the rest are 404): a draft only to
    the school's leads, and a trust's draft only to its chair (who writes it)."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    access = access_for(user)
    signed = Q(status=ReportStatus.SIGNED)
    managed = managed_school_ids(user)
    scope = Q(school_id__in=managed) if managed else NOTHING
    if schools := visible_school_ids(user) - managed:
        scope |= Q(school_id__in=schools) & signed
    if access.trust_ids:
        scope |= Q(school__isnull=True, trust_id__in=access.trust_ids) & signed
    if access.chair_trust_ids:
        scope |= Q(school__isnull=True, trust_id__in=access.chair_trust_ids)
    return scope


# --- predicates ---------------------------------------------------------------------------


@rules.predicate
def is_trustee_of(user, trust):
    return trust is not None and _trust_id(trust) in access_for(user).trust_ids


@rules.predicate
def is_chair_of(user, trust):
    return trust is not None and _trust_id(trust) in access_for(user).chair_trust_ids


@rules.predicate
def is_report_trustee(user, report):
    return report is not None and report.trust_id in access_for(user).trust_ids


@rules.predicate
def leads_reports_school(user, report):
    return (
        report is not None
        and report.school_id is not None
        and is_school_manager(user, report.school_id)
    )


@rules.predicate
def writes_report(user, report):
    """The school's headteacher; for the trust's report, the chair."""
    if report is None or report.is_signed:
        return False
    if report.school_id is None:
        return report.trust_id in access_for(user).chair_trust_ids
    return Role.HEADTEACHER in roles_in(user, report.school_id)


@rules.predicate
def is_signed(user, report):
    return report is not None and report.is_signed


rules.add_rule("governance.use", is_trustee | manages_any_school)
rules.add_rule("governance.view_trust", is_trustee_of)
rules.add_rule("governance.view_school", is_school_manager | is_trustee_over)
rules.add_rule("governance.see_staff_concerns", is_chair_of)
rules.add_rule("governance.change_settings", is_chair_of)
rules.add_rule("governance.start_school_report", is_headteacher_of)
rules.add_rule("governance.start_trust_report", is_chair_of)
rules.add_rule(
    "governance.view_report", (is_report_trustee & is_signed) | leads_reports_school | writes_report
)
rules.add_rule("governance.write_report", writes_report)
rules.add_rule("governance.mark_read", is_report_trustee & is_signed)
rules.add_rule("governance.view_overdue_actions", is_school_manager)
