"""Home panels that save queries stay right: the invitation counts (one SQL count), the
unread badge shared by the panel and the navigation, and a person's training due, kept in
the cache until the training figures go stale, shown fresh after each change."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from esafety import services
from esafety.models import Invitation, Membership, Role
from esafety.notifications import notify
from esafety.testing import person, sign_in
from training.tests.factories import days_ago, record, requirement

pytestmark = pytest.mark.django_db


def test_the_people_panel_counts_invitations_waiting_and_expired(personas, client):
    p = personas
    waiting = person(p.school, Role.STAFF, email="waiting@x.example")
    expired = person(p.school, Role.PARENT, email="expired@x.example")
    accepted = person(p.school, Role.STAFF, email="accepted@x.example")
    elsewhere = person(p.other_school, Role.STAFF, email="elsewhere@x.example")
    for user in (waiting, expired, accepted, elsewhere):
        services.send_invitation(user=user, invited_by=p.headteacher)
    services.send_invitation(user=waiting, invited_by=p.headteacher)  # a second link
    past = timezone.now() - datetime.timedelta(days=30)
    Invitation.objects.filter(user=expired).update(created_at=past, expires_at=past)
    Invitation.objects.filter(user=accepted).update(accepted_at=timezone.now())
    sign_in(client, p.headteacher)
    page = client.get("/").content.decode()
    assert "<li>1 invited, not yet signed in</li>" in page
    assert "<strong>1 invitation expired</strong>" in page


@pytest.mark.parametrize("unread", [2, 7])
def test_the_unread_panel_and_the_badge_show_the_same_count(personas, client, unread):
    for n in range(unread):
        notify(personas.teacher, title=f"Note {n}", email=False)
    notify(personas.pupil, title="Someone else's", email=False)
    sign_in(client, personas.teacher)
    response = client.get("/")
    page = response.content.decode()
    assert response.context["nav"]["unread_count"] == unread
    assert f'{unread}<span class="visually-hidden"> unread</span>' in page
    assert f'New for you <span class="badge text-bg-primary">{unread}</span>' in page
    assert page.count("Note ") == min(unread, 5)


def training_due(client) -> str:
    page = client.get("/").content.decode()
    return (
        page.split("Training to do", 1)[1].split("</section>", 1)[0]
        if "Training to do" in page
        else ""
    )


def test_training_due_on_the_home_page_follows_each_change(personas, client):
    p = personas
    first = requirement(p.school, title="Online safety basics")
    sign_in(client, p.teacher)
    assert "Online safety basics" in training_due(client)
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    # Kept in the cache: the second visit reads no requirement.
    assert not [q for q in captured.captured_queries if "training_requirement" in q["sql"]]
    record(p.teacher, first, days_ago(3))
    assert "Online safety basics" not in training_due(client)
    requirement(p.school, title="Filtering for staff")
    assert "Filtering for staff" in training_due(client)
    # Leaving the school: no training to do there any more.
    Membership.objects.filter(user=p.teacher, school=p.school).update(
        ended_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    from esafety.figures import invalidate

    invalidate(model=Membership, schools=[p.school])
    assert training_due(client) == ""


def test_training_due_rolls_over_at_midnight(personas, client):
    p = personas
    req = requirement(p.school, title="Online safety basics", renew_months=12)
    today = timezone.localdate()
    sign_in(client, p.teacher)
    assert "Online safety basics" in training_due(client)
    record(p.teacher, req, today)
    assert training_due(client) == ""
    with time_machine.travel(today + datetime.timedelta(days=400)):
        sign_in(client, p.teacher)  # the old session timed out
        assert "Online safety basics" in training_due(client)


def test_devices_lent_show_for_the_borrower_and_their_parent_only(personas, client):
    from devices.tests import factories

    p = personas
    factories.lend(p, p.pupil, asset_tag="LAP-0001")
    factories.lend(p, p.teacher, asset_tag="LAP-0002")
    other_parent = person(p.school, Role.PARENT, name="Olive Otherparent")
    seen = {}
    for who in (p.parent, p.teacher, other_parent, p.technician):
        sign_in(client, who)
        page = client.get("/").content.decode()
        seen[who.full_name] = [tag for tag in ("LAP-0001", "LAP-0002") if tag in page]
    assert seen == {
        p.parent.full_name: ["LAP-0001"],  # their child's
        p.teacher.full_name: ["LAP-0002"],  # their own
        other_parent.full_name: [],
        p.technician.full_name: [],
    }


def test_only_the_headteacher_and_for_a_concern_about_the_head_the_chair_sign_off(personas, client):
    from incidents.models import Incident, Status

    p, now = personas, timezone.now()
    # A concern about the head goes to the chair (who sees what is sent to them).
    for number, subject, to in (
        ("2026-0001", "pupil", None),
        ("2026-A001", "headteacher", p.chair),
    ):
        Incident.objects.create(
            routed_to=to,
            school=p.school,
            number=number,
            status=Status.OPEN,
            reported_by=p.teacher,
            reported_at=now,
            acknowledge_by=now,
            location="online",
            description="Reviewed and waiting to be signed off",
            subject=subject,
            category="pupil_a",
            review_result="Reviewed",
        )
    seen = {}
    for who in ("headteacher", "chair", "esafety_officer", "trustee", "teacher"):
        sign_in(client, p.get(who))
        page = client.get("/").content.decode()
        panel = (
            page.split("Awaiting your sign-off", 1)[1] if "Awaiting your sign-off" in page else ""
        )
        seen[who] = [n for n in ("2026-0001", "2026-A001") if n in panel.split("</section>")[0]]
    assert seen == {
        "headteacher": ["2026-0001"],
        "chair": ["2026-A001"],
        "esafety_officer": [],
        "trustee": [],
        "teacher": [],
    }


def test_your_reports_on_the_home_page_follow_each_save(personas, client):
    from incidents.models import Incident, Status

    p = personas
    sign_in(client, p.teacher)
    assert "Your reports" not in client.get("/").content.decode()
    draft = Incident.objects.create(
        school=p.school,
        status=Status.DRAFT,
        reported_by=p.teacher,
        location="online",
        description="Still writing this",
        subject="pupil",
    )
    assert "1 draft, 0 waiting to be acknowledged" in client.get("/").content.decode()
    draft.status, draft.number, draft.reported_at = Status.REPORTED, "2026-0001", timezone.now()
    draft.acknowledge_by = draft.reported_at
    draft.save()
    assert "0 drafts, 1 waiting to be acknowledged" in client.get("/").content.decode()
