"""The figures the governance dashboard added to the other apps, against hand counts."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from agreements.models import Document, Kind
from agreements.tests.factories import STAFF, published
from devices.models import Breach, Confiscation, IcoDecision
from esafety.figures import figure_for
from risks.models import Status
from risks.tests.factories import make_risk
from training.tests.factories import record, requirement

from .data import TODAY, at

pytestmark = pytest.mark.django_db


def test_confiscations_and_breaches_by_month(personas):
    p = personas
    with time_machine.travel(TODAY, tick=False):
        for when in (at(2026, 11, 2), at(2026, 11, 9), at(2026, 10, 1)):
            Confiscation.objects.create(
                school=p.school, pupil=p.pupil, description="Phone", reason="In a lesson",
                confiscated_by=p.teacher, confiscated_at=when,
            )  # fmt: skip
        aware = at(2026, 11, 3, 9)
        for reported_after in (datetime.timedelta(hours=30), datetime.timedelta(hours=80), None):
            Breach.objects.create(
                school=p.school, became_aware_at=aware, what_happened="Wrong email",
                data_affected="Names", people_affected="A class", recorded_by=p.esafety_officer,
                ico_decision=IcoDecision.REPORT if reported_after else IcoDecision.NOT_REPORTED,
                ico_reported_at=aware + reported_after if reported_after else None,
            )  # fmt: skip
        months = figure_for("devices.by_month", p.school.pk)["months"]
    assert months["2026-11"] == {
        "confiscations": 2,
        "breaches": 3,
        "reported": 2,
        "reported_on_time": 1,
    }
    assert months["2026-10"]["confiscations"] == 1


def test_the_open_high_risks_and_the_last_check(personas):
    p = personas
    high = make_risk(p.school, p.esafety_officer, likelihood=3, impact=3, title="Unfiltered 4G")
    closed = make_risk(p.school, p.esafety_officer, likelihood=3, impact=3, title="Old risk")
    closed.status = Status.CLOSED
    closed.save()
    make_risk(p.school, p.esafety_officer, likelihood=2, impact=2, title="A medium one")
    figures = figure_for("risks.governance", p.school.pk)
    assert figures["high"] == [
        {"number": high.reference, "title": "Unfiltered 4G", "label": "HIGH (9)", "status": "Open"}
    ]
    assert figures["last_check"] is None and figures["checks_overdue"]


def test_the_policys_status(personas):
    p = personas
    policy = Document.objects.create(
        school=p.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    published(policy, p.esafety_officer, head=p.headteacher, approver=p.trustee)
    policy.refresh_from_db()
    figures = figure_for("agreements.policy_status", p.school.pk)
    assert figures["version"] == 1
    assert figures["published_on"] == timezone.localdate()
    assert figures["next_review"] == policy.review_due
    assert figures["last_review"] is None and not figures["review_open"]
    assert not figure_for("agreements.policy_status", p.other_school.pk)["has_policy"]


def test_training_for_staff_and_trustees_apart(personas):
    p = personas
    staff_req = requirement(p.school, title="Safeguarding")
    trustees_req = requirement(p.school, title="Trustees' safeguarding", audience_roles=["trustee"])
    record(p.teacher, staff_req, timezone.localdate())
    record(p.chair, trustees_req, timezone.localdate())
    rows = dict(figure_for("training.by_group", p.school.pk))
    # Staff: the head, the officer, the technician and the teacher; one done.
    assert rows["Safeguarding"] == {"staff": (4, 1), "trustees": (0, 0)}
    assert rows["Trustees' safeguarding"] == {"staff": (0, 0), "trustees": (2, 1)}
