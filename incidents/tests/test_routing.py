"""Each routing rule, through the real submit service."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from esafety.models import Membership, Notification, Role
from esafety.testing import person
from incidents.models import Subject
from incidents.tests.factories import report

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning in term.
WEDNESDAY_10AM = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


def notified(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_pupil_incident_goes_to_the_esafety_officer_at_once(personas):
    incident = report(personas.school, personas.teacher)
    assert incident.routed_to == personas.esafety_officer
    assert incident.number == "2026-0001"
    assert notified(personas.esafety_officer) == [
        f"New e-safety incident {incident.named} to acknowledge"
    ]
    assert notified(personas.headteacher) == []


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_numbers_are_sequential_per_school(personas):
    first = report(personas.school, personas.teacher)
    second = report(personas.school, personas.teacher)
    elsewhere = report(personas.other_school, personas.other_school_teacher)
    assert (first.number, second.number, elsewhere.number) == (
        "2026-0001",
        "2026-0002",
        "2026-0001",
    )


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_without_an_esafety_officer_a_pupil_incident_goes_to_the_headteacher(personas):
    Membership.objects.filter(user=personas.esafety_officer).update(
        ended_on=datetime.date(2026, 11, 1)
    )
    incident = report(personas.school, personas.teacher)
    assert incident.routed_to == personas.headteacher
    assert notified(personas.headteacher) == [
        f"New e-safety incident {incident.named} to acknowledge"
    ]


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_concern_about_staff_goes_directly_to_the_headteacher_with_lado_due(personas):
    incident = report(personas.school, personas.esafety_officer, subject=Subject.STAFF)
    assert incident.routed_to == personas.headteacher
    assert incident.lado_referral_due == WEDNESDAY_10AM + datetime.timedelta(days=1)
    assert notified(personas.esafety_officer) == []


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_concern_about_headteacher_goes_to_chair_and_never_to_the_headteacher(personas):
    incident = report(
        personas.school,
        personas.teacher,
        subject=Subject.HEADTEACHER,
        category="staff_b",
        suspected_illegal_material=True,
    )
    assert incident.routed_to == personas.chair
    assert incident.lado_referral_due == WEDNESDAY_10AM + datetime.timedelta(days=1)
    assert notified(personas.headteacher) == []
    assert notified(personas.chair) == [f"New e-safety incident {incident.named} to acknowledge"]
    assert "LADO referral should be made" in incident.timeline.last().text


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_headteacher_who_is_also_esafety_officer_is_not_told_about_themselves(personas):
    Membership.objects.create(
        user=personas.headteacher, school=personas.school, role=Role.ESAFETY_OFFICER
    )
    Membership.objects.filter(user=personas.esafety_officer).update(
        ended_on=datetime.date(2026, 11, 1)
    )
    incident = report(
        personas.school, personas.teacher, subject=Subject.HEADTEACHER, category="staff_b"
    )
    assert incident.routed_to == personas.chair
    assert notified(personas.headteacher) == []


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_suspected_illegal_material_tells_headteacher_and_esafety_officer_at_once(personas):
    second_officer = person(personas.school, Role.ESAFETY_OFFICER)
    incident = report(personas.school, personas.teacher, suspected_illegal_material=True)
    assert incident.routed_to == personas.esafety_officer
    assert notified(personas.headteacher) == [
        f"E-safety incident {incident.named} needs your attention"
    ]
    assert notified(second_officer) == [f"E-safety incident {incident.named} needs your attention"]


@pytest.mark.parametrize("category_code", ["pupil_d", "staff_b"])
@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_most_serious_categories_tell_the_headteacher(personas, category_code):
    subject = Subject.STAFF if category_code == "staff_b" else Subject.PUPIL
    reporter = personas.teacher
    incident = report(personas.school, reporter, subject=subject, category=category_code)
    assert len(notified(personas.headteacher)) == 1
    assert incident.number in notified(personas.headteacher)[0]


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_less_serious_pupil_category_does_not_tell_the_headteacher(personas):
    report(personas.school, personas.teacher, category="pupil_c")
    assert notified(personas.headteacher) == []


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_notification_emails_carry_no_incident_details(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(personas.school, personas.teacher, description="Secret detail about Poppy")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    bodies = message.body + message.alternatives[0][0]
    assert "Poppy" not in bodies and "Secret" not in bodies
    assert "2026-0001" not in message.subject + bodies
    assert "/notifications/" in message.body


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_classifying_into_a_serious_category_tells_the_headteacher_once(personas):
    """The category that makes the headteacher a recipient can be set after the report
    (the reporter left it blank): the headteacher is told then, and only once."""
    from incidents.tests.factories import classify

    incident = report(personas.school, personas.teacher)
    assert notified(personas.headteacher) == []
    classify(incident, personas.esafety_officer, category="pupil_d", risk_area="contact")
    told = f"E-safety incident {incident.named} needs your attention"
    assert notified(personas.headteacher) == [told]
    assert incident.timeline.filter(text__startswith="Also sent to").count() == 1
    classify(incident, personas.esafety_officer, category="pupil_d", risk_area="conduct")
    assert notified(personas.headteacher) == [told]
    assert notified(personas.esafety_officer) == [
        f"New e-safety incident {incident.named} to acknowledge"
    ]  # it was sent to the officer, who is not told again


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_changing_the_reports_category_tells_the_headteacher(personas):
    from incidents import services

    incident = report(personas.school, personas.teacher, category="pupil_a")
    services.amend_report(
        incident=incident,
        by=personas.teacher,
        reason="I chose the wrong category.",
        changes={"category": "pupil_d"},
    )
    assert notified(personas.headteacher) == [
        f"E-safety incident {incident.named} needs your attention"
    ]


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_a_serious_category_from_the_start_tells_the_headteacher_once(personas):
    from incidents.tests.factories import classify

    incident = report(personas.school, personas.teacher, category="pupil_d")
    classify(incident, personas.esafety_officer, category="pupil_d", risk_area="contact")
    assert notified(personas.headteacher) == [
        f"E-safety incident {incident.named} needs your attention"
    ]
