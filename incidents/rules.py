"""Who may see and do what with incidents: the app's named rules and its visibility filter.

Need to know (KCSIE): staff see what they reported; the e-safety officer and headteacher
see their school's incidents, except that a concern about the headteacher is hidden
from whoever is headteacher of that school (also when they are the e-safety officer)
and goes to the chair of trustees; trustees see counts and what was routed to them.
Pupils, parents and technicians have no incident pages.

Built from the core's role predicates (`esafety.roles`); loaded by `IncidentsConfig.ready`.
"""

import rules
from django.db.models import Q

from esafety.models import STAFF_ROLES, Membership, Role, User
from esafety.roles import (
    MANAGER_ROLES,
    NOTHING,
    access_for,
    is_headteacher_of,
    is_school_manager,
    is_trustee,
    managed_school_ids,
    roles_in,
    schools_with_roles,
)

from .models import ALLEGATION_SUBJECTS, ActionKind, Source, Status, Subject

# Who logs incidents and sees what they reported. Technicians too: they are the ones who
# see filtering breaches (they still see only what they reported).
INCIDENT_STAFF_ROLES = frozenset(
    {Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.STAFF, Role.TECHNICIAN}
)


# --- the headteacher rule ------------------------------------------------------------------
# A concern about the headteacher is hidden from whoever is headteacher of that school,
# even when they are also its e-safety officer or a trustee. These two names are the rule;
# the functions below apply it to a list of incidents, one incident, and a list of people.
HIDDEN_SUBJECT = Subject.HEADTEACHER
HIDDEN_FROM_ROLE = Role.HEADTEACHER


def hidden_from_headteacher_q(user, prefix: str = "") -> Q:
    """Incidents this person must never see, count or be told about. `prefix` reaches the
    incident through a relation (e.g. "incident__" from an action)."""
    schools = schools_with_roles(user, {HIDDEN_FROM_ROLE})
    if not schools:
        return NOTHING
    return Q(**{f"{prefix}subject": HIDDEN_SUBJECT, f"{prefix}school_id__in": schools})


def hidden_from_headteacher(user, incident) -> bool:
    """The same rule for one incident already in hand."""
    return incident.subject == HIDDEN_SUBJECT and HIDDEN_FROM_ROLE in roles_in(
        user, incident.school_id
    )


def people_hidden_from(incident):
    """The ids of the people this incident is hidden from (to leave out of pickers)."""
    if incident.subject != HIDDEN_SUBJECT:
        return User.objects.none().values("pk")
    holders = Membership.objects.active().filter(school=incident.school_id, role=HIDDEN_FROM_ROLE)
    return holders.values("user_id")


def who_may_be_told(incident, people) -> list:
    """`people` without anyone the headteacher rule hides this incident from, in order."""
    return [p for p in people if p is not None and not hidden_from_headteacher(p, incident)]


# --- the trust safeguarding lead ----------------------------------------------------------
# Sees every school of the trust, except concerns about staff unless the trust's recorded
# setting says so; the headteacher rule still applies on top (a lead who is also a head).


def trust_lead_q(user) -> Q:
    access = access_for(user)
    if not access.lead_school_ids:
        return NOTHING
    staff_concern = Q(subject__in=ALLEGATION_SUBJECTS)
    return Q(school_id__in=access.lead_school_ids) & (
        ~staff_concern | Q(school_id__in=access.lead_staff_concern_school_ids)
    )


def leads_over(user, incident) -> bool:
    """The same, for one incident in hand."""
    access = access_for(user)
    if incident.school_id not in access.lead_school_ids:
        return False
    return (
        incident.subject not in ALLEGATION_SUBJECTS
        or incident.school_id in access.lead_staff_concern_school_ids
    )


# --- the visibility filter ----------------------------------------------------------------


def incident_visibility_q(user) -> Q:
    """The filter behind Incident.objects.visible_to(user). Fails closed."""
    access = access_for(user)
    if not access.roles_by_school and not access.trust_ids and not access.lead_school_ids:
        return NOTHING
    submitted = ~Q(status=Status.DRAFT)
    own = Q(reported_by=user) & Q(source=Source.STAFF)  # see is_incident_reporter
    managed = managed_school_ids(user)
    # Written so each branch filters on school first: the database can use its index.
    visible = NOTHING
    reporter_only = schools_with_roles(user, INCIDENT_STAFF_ROLES) - managed
    if reporter_only:
        visible |= own & Q(school_id__in=reporter_only)
    if managed:
        visible |= Q(school_id__in=managed) & (submitted | own)
    if access.trust_ids:
        routed = (
            Q(routed_to=user)
            | Q(escalated_to=user)
            | Q(trust_escalated_to=user)
            | Q(trustee_sign_requested_from=user)
        )
        visible |= submitted & routed & Q(school_id__in=access.trust_school_ids)
    if access.lead_school_ids:
        visible |= submitted & trust_lead_q(user)
    return visible & ~hidden_from_headteacher_q(user)


def action_visibility_q(user) -> Q:
    """The actions someone may open: those given to them, on a submitted incident the
    headteacher rule does not hide from them. Nothing else of the incident comes with it."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    return (
        Q(kind=ActionKind.ACTION, owner=user)
        & ~Q(incident__status=Status.DRAFT)
        & ~hidden_from_headteacher_q(user, prefix="incident__")
    )


# --- predicates -----------------------------------------------------------------------------


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
    if incident is None or incident.status == Status.DRAFT:
        return False
    if hidden_from_headteacher(user, incident):
        return False
    if roles_in(user, incident.school_id) & MANAGER_ROLES or leads_over(user, incident):
        return True
    in_trust = incident.school_id in access_for(user).trust_school_ids
    sent_to = (incident.routed_to_id, incident.escalated_to_id, incident.trust_escalated_to_id)
    return in_trust and user.pk in sent_to


@rules.predicate
def is_incident_reporter(user, incident):
    """The member of staff who reported it. An alert from monitoring, or a report from
    another integration, is "reported" by the person who made the school's key (IT
    support, often): that makes them no reader of it; the school's leads deal with it as
    with any other."""
    return (
        incident is not None
        and incident.reported_by_id == user.pk
        and incident.source == Source.STAFF
        and not hidden_from_headteacher(user, incident)
    )


@rules.predicate
def is_draft(user, incident):
    return incident is not None and incident.status == Status.DRAFT


@rules.predicate
def is_closed(user, incident):
    return incident is not None and incident.status == Status.CLOSED


@rules.predicate
def is_signed_off(user, incident):
    return incident is not None and bool(
        incident.headteacher_signed_at or incident.trustee_signed_at
    )


@rules.predicate
def signs_as_headteacher(user, incident):
    """The headteacher signs off; for a concern about the headteacher, the chair does."""
    if incident is None or incident.status == Status.DRAFT:
        return False
    if incident.subject == Subject.HEADTEACHER:
        return incident.school.trust_id in access_for(user).chair_trust_ids
    return Role.HEADTEACHER in roles_in(user, incident.school_id)


@rules.predicate
def is_requested_trustee(user, incident):
    """A trustee asked to sign the incident off: they may read it and sign, nothing more."""
    return (
        incident is not None
        and incident.status != Status.DRAFT
        and incident.trustee_sign_requested_from_id == user.pk
        and incident.school_id in access_for(user).trust_school_ids
    )


@rules.predicate
def signs_as_trustee(user, incident):
    return (
        incident is not None
        and incident.status != Status.DRAFT
        and incident.school_id in access_for(user).trust_school_ids
        and (is_incident_manager(user, incident) or is_requested_trustee(user, incident))
    )


@rules.predicate
def manages_incidents_anywhere(user):
    return bool(managed_school_ids(user)) or bool(access_for(user).lead_school_ids)


@rules.predicate
def holds_action(user, entry):
    return (
        entry is not None
        and entry.kind == ActionKind.ACTION
        and entry.owner_id == user.pk
        and not hidden_from_headteacher(user, entry.incident)
    )


@rules.predicate
def manages_actions_incident(user, entry):
    return entry is not None and is_incident_manager(user, entry.incident)


@rules.predicate
def has_actions(user):
    """Anyone an action can be given to: the staff of a school."""
    return bool(schools_with_roles(user, STAFF_ROLES))


rules.add_rule("incidents.log", can_log_incidents_in)
rules.add_rule("incidents.use_log", logs_incidents_anywhere)
rules.add_rule("incidents.view", is_incident_reporter | is_incident_manager | is_requested_trustee)
rules.add_rule("incidents.edit_draft", is_incident_reporter & is_draft)
# The report can be changed while the incident is open: by the reporter until it is signed
# off, by those dealing with it until it is closed (to change a closed one, reopen it).
rules.add_rule(
    "incidents.amend",
    ~is_closed & (is_incident_manager | (is_incident_reporter & ~is_draft & ~is_signed_off)),
)
# Category, risk area and kind: set by those dealing with it, before it can be closed.
rules.add_rule("incidents.classify", is_incident_manager & ~is_closed)
rules.add_rule("incidents.manage", is_incident_manager)
rules.add_rule("incidents.sign_off_headteacher", signs_as_headteacher)
rules.add_rule("incidents.sign_off_trustee", signs_as_trustee)
# Trustees' queue lists only what was sent to them (the scoped queryset sees to that).
rules.add_rule("incidents.use_queue", manages_incidents_anywhere | is_trustee)
rules.add_rule("incidents.view_action", holds_action | manages_actions_incident)
rules.add_rule("incidents.complete_action", holds_action | manages_actions_incident)
rules.add_rule("incidents.use_actions", has_actions)
rules.add_rule("incidents.view_chronology", is_school_manager)
rules.add_rule("incidents.export", is_school_manager)
rules.add_rule("incidents.manage_kinds", is_school_manager)
# Monitoring alerts held because the pupil was not found: the school's leads match them.
rules.add_rule("incidents.match_alerts", is_school_manager)
# A child's file to the next school: the school's leads; which transfers each sees is
# incidents/transfers.py `transfers_for` (the headteacher rule applies there too).
rules.add_rule("incidents.transfers", is_school_manager)
# Safeguarding cover: who the designated lead and the deputies are today, and who is
# away, is for everyone who logs incidents there (a teacher who needs someone now); the
# school's leads record absences (their own, or a colleague's); the headteacher names the
# designated lead (KCSIE: a senior appointment, made by the school's leadership).
rules.add_rule("incidents.view_cover", can_log_incidents_in)
rules.add_rule("incidents.record_absence", is_school_manager)
rules.add_rule("incidents.name_lead", is_headteacher_of)
# "Report a worry": a school's pupils and parents (the pupils' page also works without
# signing in; the parents' page is for the school's parents only).
rules.add_rule(
    "incidents.report_as_pupil",
    rules.predicate(lambda user, school: Role.PUPIL in roles_in(user, school)),
)
rules.add_rule(
    "incidents.report_as_parent",
    rules.predicate(lambda user, school: Role.PARENT in roles_in(user, school)),
)
# "What to do if..." guides: everyone who logs incidents at the school walks them; the
# school's leads make the school's own copy and edit its wording.
rules.add_rule("incidents.guides", can_log_incidents_in)
rules.add_rule("incidents.edit_guides", is_school_manager)
