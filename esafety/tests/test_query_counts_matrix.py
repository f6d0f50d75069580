"""Every page's query count is pinned: the same with a small school and one ten times
larger. Walks every GET URL of the permission matrix as the persona that sees the most
there, so a new app's pages are covered by being in the matrix."""

import datetime
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership, Notification, ParentLink, Role, StaffType, User
from esafety.testing import make_personas, sign_in
from esafety.tests.test_permission_matrix import ROUTES

# Whose view of a page is the fullest: school leads, then trustees, then the rest.
MOST_FIRST = (
    "esafety_officer",
    "headteacher",
    "chair",
    "trustee",
    "technician",
    "teacher",
    "parent",
    "pupil",
    "other_school_headteacher",
    "other_school_teacher",
    "anonymous",
)
SMALL, LARGE = 3, 30


def fullest_view(route):
    return next((name for name in MOST_FIRST if route.expect.get(name) == 200), None)


def grow(personas, version, count, start):
    """`count` more of everything a page lists: staff, pupils with a parent each (linked,
    half of them signed), incidents with a pupil, an overdue action and notifications."""
    from agreements import services as agreements
    from agreements.models import Channel
    from incidents.models import ActionKind, Incident, IncidentPerson, Status, TimelineEntry

    p, now = personas, timezone.now()
    YES = dict.fromkeys(Channel.values, True)
    started = datetime.date(2025, 9, 1)
    for n in range(start, start + count):
        pupil = User.objects.create(full_name=f"Pupil {n}", password="!")
        parent = User.objects.create(email=f"parent{n}@x.example", full_name=f"Parent {n}")
        staff = User.objects.create(email=f"staff{n}@x.example", full_name=f"Staff {n}")
        Membership.objects.create(
            user=pupil,
            school=p.school,
            role=Role.PUPIL,
            year_group=5,
            class_name="5A" if n % 2 else "5B",
            started_on=started,
        )
        Membership.objects.create(
            user=parent, school=p.school, role=Role.PARENT, started_on=started
        )
        Membership.objects.create(
            user=staff,
            school=p.school,
            role=Role.STAFF,
            staff_type=StaffType.TEACHER,
            started_on=started,
        )
        ParentLink.objects.create(parent=parent, child=pupil, relationship="mother")
        if n % 2:
            agreements.sign(
                version=version,
                signer=parent,
                subject=pupil,
                typed_name=parent.full_name,
                consents=YES,
            )
        incident = Incident.objects.create(
            school=p.school,
            number=f"2026-9{n:04d}",
            status=[Status.REPORTED, Status.OPEN, Status.CLOSED][n % 3],
            reported_by=p.teacher,
            reported_at=now,
            acknowledge_by=now,
            routed_to=p.esafety_officer,
            location="online",
            description="A test incident",
            subject="pupil",
            category="pupil_a",
            risk_area="contact",
        )
        IncidentPerson.objects.create(
            incident=incident, person=p.pupil, kind="pupil", part="target"
        )
        TimelineEntry.objects.create(
            incident=incident,
            kind=ActionKind.ACTION,
            text="Follow up",
            owner=p.teacher,
            due_on=now.date() - datetime.timedelta(days=1),
        )
        for name in ("esafety_officer", "headteacher", "teacher", "trustee", "parent"):
            Notification.objects.create(recipient=getattr(p, name), title=f"Note {n}", link="/")


def set_up_school(personas):
    """The standard documents, published, as a school starts with them."""
    from agreements import services
    from agreements.models import Kind
    from agreements.starter import install_standard_documents

    head = personas.headteacher
    for document in install_standard_documents(personas.school, by=head):
        draft = document.versions.get()
        services.head_sign_off(version=draft, by=head)
        services.approve(version=draft, by=head)
    return personas.school.documents.get(kind=Kind.PARENT).current_version()


def queries(client, url):
    cache.clear()  # a first visit: cached figures would hide what the page costs
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured.captured_queries)


@pytest.mark.django_db
def test_no_page_costs_more_queries_with_ten_times_the_data(client):
    personas = make_personas()
    parent_agreement = set_up_school(personas)
    grow(personas, parent_agreement, SMALL, 0)
    pages = []
    for route in ROUTES:
        persona = fullest_view(route)
        if route.method != "get" or persona in (None, "anonymous"):
            continue
        pages.append((route, persona))
    clients = {}

    def url_of(route):
        url = reverse(route.name, kwargs=route.kwargs(personas) if route.kwargs else {})
        if route.data:  # a search the page needs, e.g. which school
            url = f"{url}?{urlencode(route.data(personas))}"
        return url

    def measure():
        """Each page with its own records, rolled back after it (as in the permission
        matrix), so one row's records can't change another's (a review signed by a later row)."""
        counts = {}
        for row, (route, persona) in enumerate(pages):
            if persona not in clients:
                clients[persona] = sign_in(type(client)(), personas.get(persona))
            with transaction.atomic():
                url = url_of(route)
                # By row: a rolled-back record's id is not reused on PostgreSQL.
                counts[(row, route.name)] = (*queries(clients[persona], url), url)
                transaction.set_rollback(True)
        return counts

    small = measure()
    grow(personas, parent_agreement, LARGE - SMALL, SMALL)
    large = measure()
    grew = {
        small[page][2]: (small[page][1], large[page][1])
        for page in small
        if large[page][1] > small[page][1]
    }
    not_ok = {small[page][2]: small[page][0] for page in small if small[page][0] != 200}
    assert len(pages) > 50
    assert not not_ok, f"Pages that did not load as their fullest viewer: {not_ok}"
    assert not grew, f"Query count grew with {LARGE} instead of {SMALL} of everything: {grew}"
