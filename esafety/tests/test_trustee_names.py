"""Trustees see figures, not people: no pupil's or staff member's name on any page a
trustee or the chair can reach (DESIGN.md, "Need to know").

Distinctive fictional names are seeded into both schools' records; then every URL of the
permission matrix is requested as the trustee and as the chair, and each 200 response
(page, CSV or PDF text) is searched for them.
"""

import io
import re

import pytest
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from pypdf import PdfReader

from agreements import services as agreements
from agreements.models import Document, Kind
from agreements.tests.factories import STAFF, parent_agreement, published
from esafety.models import STAFF_ROLES, ParentLink, Role
from esafety.testing import Personas, person, sign_in
from esafety.tests.test_permission_matrix import ROUTES
from incidents import services as incidents
from incidents.models import Incident, IncidentPerson, Part, PersonKind, Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db

# Seeded pupils, parents and staff (all fictional), in records no trustee is given.
SEEDED = {
    "pupil": "Xanthe Vellacourt",
    "parent": "Wilhelmina Quarrington",
    "teacher": "Quentin Zaborowski",
    "other_pupil": "Ignatius Brackenbury",
    "other_teacher": "Persephone Tolliver",
}
# Incidents routed to one of them: the trustee is asked to sign one; a concern about the
# headteacher goes to the chair. Each may read their own (DESIGN.md: trustees see "the
# incidents that were routed to them"), never the other's.
ROUTED = {
    "trustee": ("Rosalind Fairweather", "Reginald Thackeray"),  # pupil, reporter
    "chair": ("Cordelia Umfreville", "Cuthbert Wainwright"),
}
# The personas' pupils, parents and staff who are not governance actors.
PERSONA_NAMES = ["Poppy Pupil", "Pat Parent", "Terry Teacher", "Tess Technician"]
PERSONA_NAMES += ["Olly Othersch", "Orla Otherhead"]
# Allowed everywhere: governance actors, who drafted, signed off or approved a policy
# version a trustee approves (the headteacher "Hana Head" signs off, the e-safety officer
# "Eddie Officer" drafts), and the trustees themselves; so they are not searched for.
GOVERNANCE_ACTORS = ["Hana Head", "Eddie Officer", "Tara Trustee", "Charles Chair"]


def searched_names() -> list[str]:
    routed = [name for names in ROUTED.values() for name in names]
    return [*SEEDED.values(), *routed, *PERSONA_NAMES]


def seed_named_records(p) -> list[Incident]:
    """Records in both schools that carry the seeded names in every place a name goes:
    incidents (reporter, people involved), signatures, consent, classes."""
    school, other = p.school, p.other_school
    pupil = person(school, Role.PUPIL, name=SEEDED["pupil"], class_name="5Q")
    parent = person(school, Role.PARENT, name=SEEDED["parent"])
    ParentLink.objects.create(parent=parent, child=pupil, relationship="mother")
    teacher = person(school, Role.STAFF, name=SEEDED["teacher"])
    report(school, teacher, people=[target(pupil)])
    other_pupil = person(other, Role.PUPIL, name=SEEDED["other_pupil"])
    report(
        other, person(other, Role.STAFF, name=SEEDED["other_teacher"]), people=[target(other_pupil)]
    )

    def routed_incident(persona, **fields):
        pupil_name, reporter_name = ROUTED[persona]
        reporter = person(school, Role.STAFF, name=reporter_name)
        involved = person(school, Role.PUPIL, name=pupil_name)
        return report(school, reporter, people=[target(involved)], **fields)

    asked = routed_incident("trustee")
    incidents.request_trustee_sign_off(incident=asked, by=p.esafety_officer, trustee=p.trustee)
    about_head = routed_incident("chair", subject=Subject.HEADTEACHER)

    policy = Document.objects.create(
        school=school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    version = published(policy, p.esafety_officer, head=p.headteacher, approver=p.trustee)
    agreements.sign(version=version, signer=teacher, subject=teacher, typed_name=teacher.full_name)
    awaiting = agreements.new_version(document=policy, by=p.esafety_officer, text="Next year.")
    agreements.head_sign_off(version=awaiting, by=p.headteacher)
    consent = published(
        parent_agreement(school), p.esafety_officer, head=p.headteacher, approver=p.trustee
    )
    answers = dict.fromkeys(
        ["internet", "website", "newspaper", "prospectus", "social_media"], True
    )
    agreements.sign(
        version=consent, signer=parent, subject=pupil, typed_name=parent.full_name, consents=answers
    )
    return [Incident.objects.get(pk=pk) for pk in (asked.pk, about_head.pk)]


def target(user) -> dict:
    return {"person": user, "kind": PersonKind.PUPIL, "part": Part.TARGET}


def test_every_persona_is_searched_for_or_a_governance_actor(personas):
    everyone = {personas.get(name).full_name for name in Personas.NAMES}
    assert everyone == set(PERSONA_NAMES) | set(GOVERNANCE_ACTORS)


def names_on_incidents_routed_to(user) -> set[str]:
    """Names on the incidents routed to `user` (by the data, not by the rule under test)."""
    routed = Incident.objects.filter(
        Q(routed_to=user) | Q(escalated_to=user) | Q(trustee_sign_requested_from=user)
    )
    reporters = routed.values_list("reported_by__full_name", flat=True)
    people = IncidentPerson.objects.filter(incident__in=routed)
    return {*reporters, *people.values_list("person__full_name", flat=True)}


def response_text(response) -> str:
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8-sig", "replace")


def names_in(text, names) -> list[str]:
    """Each name found as words in `text`: a seeded name by either part (its parts are
    distinctive), a persona's whole name only ("Pupil", "Teacher" are ordinary words)."""
    found = []
    for name in names:
        terms = [name] if name in PERSONA_NAMES else name.split()
        if any(re.search(rf"\b{re.escape(term)}\b", text) for term in terms):
            found.append(name)
    return found


def requests(personas, seeded_incidents):
    """(persona, method, build -> (url, data)) for every matrix row, and for the pages of
    each seeded routed incident, as the trustee and as the chair."""
    for route in ROUTES:
        for name in ("trustee", "chair"):
            yield name, route.method, lambda r=route: row_url(r, personas)
    for incident in seeded_incidents:
        for page in ("incident-detail", "incident-pdf"):
            for name in ("trustee", "chair"):
                yield name, "get", lambda p=page, i=incident: (reverse(p, args=[i.pk]), {})


def searched_for(user, url, data) -> set[str]:
    """Staff a manager of an incident finds by typing their name, to give them an action:
    the chair handling a concern about the headteacher may search the school's staff (never
    a pre-loaded list; the search shows only names matching what was typed)."""
    if not (url == reverse("people-search") and data.get("incident") and data.get("staff")):
        return set()
    incident = Incident.objects.get(pk=data["incident"])
    if incident.escalated_to != user and incident.routed_to != user:
        return set()
    typed = data["q"].lower()
    staff = incident.school.memberships.filter(role__in=STAFF_ROLES)
    names = staff.values_list("user__full_name", flat=True)
    return {n for n in names if any(w.lower().startswith(typed) for w in n.split())}


def row_url(route, personas):
    url = reverse(route.name, kwargs=route.kwargs(personas) if route.kwargs else {})
    return url, route.data(personas) if route.data else {}


def test_no_pupil_or_staff_name_on_any_page_a_trustee_can_reach(personas, client):
    seeded_incidents = seed_named_records(personas)
    leaks, kinds, own_incident_names = {}, set(), set()
    for name, method, build in requests(personas, seeded_incidents):
        with transaction.atomic():  # what a matrix row creates is rolled back after it
            user = getattr(personas, name)
            client.logout()
            sign_in(client, user)
            url, data = build()
            response = getattr(client, method)(url, data)
            if response.status_code == 200:
                kinds.add(response["Content-Type"].split(";")[0])
                text = response_text(response)
                allowed = names_on_incidents_routed_to(user) | searched_for(user, url, data)
                found = names_in(text, [n for n in searched_names() if n not in allowed])
                if found:
                    leaks[f"{name} {method.upper()} {url}"] = found
                own_incident_names.update((name, n) for n in names_in(text, ROUTED[name]))
            transaction.set_rollback(True)
    assert not leaks, leaks
    # The search does find names where they are allowed: each reads their own incident.
    assert own_incident_names == {(name, n) for name in ROUTED for n in ROUTED[name]}
    assert {"text/html", "application/pdf"} <= kinds
