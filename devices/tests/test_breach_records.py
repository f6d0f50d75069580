"""The breach record: one ICO deadline stored and read by every text, numbers per school,
links only where the rules open them, and the rule that a breach which is a risk to people
is reported to the ICO."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from devices import breaches
from devices.models import Breach, IcoDecision, Risk
from devices.models_breaches import ico_deadline_for
from devices.tests import factories
from esafety.models import Notification
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Friday 27 March 2026, 11:00 GMT; the clocks go forward at 01:00 on Sunday 29 March.
BEFORE_THE_CLOCK_CHANGE = datetime.datetime(2026, 3, 27, 11, 0, tzinfo=LONDON)


def record(personas, school=None, **fields):
    values = {
        "became_aware_at": timezone.now() - datetime.timedelta(hours=1),
        "what_happened": "A class list was emailed to the wrong parent.",
        "data_affected": "Names of 28 pupils",
        "people_affected": "28 pupils",
        **fields,
    }
    head = personas.headteacher if school in (None, personas.school) else None
    return breaches.record_breach(
        school=school or personas.school, by=head or personas.other_school_headteacher, **values
    )


def test_a_breach_across_the_clock_change_has_one_deadline_in_every_text(
    personas, client, settings
):
    breach = record(personas, became_aware_at=BEFORE_THE_CLOCK_CHANGE)
    breach.refresh_from_db()
    expected = datetime.datetime(2026, 3, 30, 11, 0, tzinfo=LONDON)  # 11:00 BST
    assert breach.ico_deadline == expected
    assert breach.ico_deadline_text == "30 Mar 2026 at 11:00"

    notification = Notification.objects.get(recipient=personas.headteacher)
    assert notification.title.endswith("by 30 Mar 2026 at 11:00")

    sign_in(client, personas.headteacher)
    page = client.get(reverse("breach-detail", args=[breach.pk])).content.decode()
    assert "the ICO must be told by 30 Mar 2026 at 11:00" in page

    export = client.get(reverse("breaches-export", args=[personas.school.slug]))
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert rows[0]["ico_deadline"] == "30 Mar 2026 at 11:00"

    pdf = client.get(reverse("breach-pdf", args=[breach.pk]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "30 Mar 2026 at 11:00" in text


def test_the_deadline_is_never_later_than_72_hours_across_the_autumn_change():
    # Friday 23 October 2026, 11:00 BST; the clocks go back on Sunday 25 October.
    aware = datetime.datetime(2026, 10, 23, 11, 0, tzinfo=LONDON)
    deadline = ico_deadline_for(aware)
    utc = datetime.UTC
    assert deadline.astimezone(utc) - aware.astimezone(utc) == datetime.timedelta(hours=72)
    assert deadline.astimezone(LONDON).strftime("%d %b %H:%M %Z") == "26 Oct 10:00 GMT"
    # In an ordinary week it is simply 72 hours, the same clock time three days on.
    june = datetime.datetime(2026, 6, 5, 9, 30, tzinfo=LONDON)
    assert ico_deadline_for(june) == june.astimezone(utc) + datetime.timedelta(hours=72)


def test_the_deadline_is_stored_once_and_the_clock_reads_it(personas):
    breach = record(personas, became_aware_at=BEFORE_THE_CLOCK_CHANGE)
    stored = breach.ico_deadline
    # Someone changes the text of the record later: the deadline is not worked out again.
    breaches.update_breach(breach=breach, by=personas.headteacher, containment="Deleted.")
    breach.refresh_from_db()
    assert breach.ico_deadline == stored
    hour_before = stored - datetime.timedelta(minutes=30)
    assert not breach.is_late(hour_before) and breach.is_late(stored + datetime.timedelta(1))


def test_breaches_are_numbered_per_school(personas):
    first_here = record(personas)
    first_there = record(personas, school=personas.other_school)
    second_here = record(personas)
    assert (first_here.number, second_here.number) == (1, 2)
    assert first_there.number == 1
    assert str(first_there).startswith("Breach 1 ")


def test_a_schools_number_can_be_given_only_once(personas):
    first = record(personas)
    clash = Breach(
        school=personas.school,
        number=first.number,
        became_aware_at=timezone.now(),
        what_happened="x",
        data_affected="x",
        people_affected="x",
        recorded_by=personas.headteacher,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_the_register_and_the_page_show_the_schools_own_number(personas, client):
    record(personas, school=personas.other_school)
    record(personas, school=personas.other_school)
    breach = record(personas)
    sign_in(client, personas.headteacher)
    page = client.get(reverse("breach-detail", args=[breach.pk])).content.decode()
    assert "Personal-data breach 1<" in page
    register = client.get(reverse("breaches", args=[personas.school.slug])).content.decode()
    assert ">Breach 1</a>" in register and f">Breach {breach.pk}</a>" not in register


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_existing_breaches_per_school_and_stores_deadlines(personas):
    executor = MigrationExecutor(connection)
    before = [("devices", "0004_breach_number_and_ico_deadline")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldBreach = old.get_model("devices", "Breach")
    made = []
    for school, minutes in (
        (personas.school, 0),
        (personas.other_school, 1),
        (personas.school, 2),
        (personas.other_school, 3),
    ):
        made.append(
            OldBreach.objects.create(
                school_id=school.pk,
                became_aware_at=BEFORE_THE_CLOCK_CHANGE,
                what_happened="x",
                data_affected="x",
                people_affected="x",
                recorded_by_id=personas.headteacher.pk,
                created_at=BEFORE_THE_CLOCK_CHANGE + datetime.timedelta(minutes=minutes),
            ).pk
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("devices"))
    numbers = [Breach.objects.get(pk=pk).number for pk in made]
    assert numbers == [1, 1, 2, 2]
    assert {b.ico_deadline for b in Breach.objects.all()} == {
        datetime.datetime(2026, 3, 30, 11, 0, tzinfo=LONDON)
    }


def test_the_technician_sees_no_link_to_a_breach_record_they_cannot_open(personas, client):
    laptop = factories.device(personas.school)
    breaches.report_loss(
        device=laptop,
        by=personas.technician,
        kind="stolen",
        happened_at=timezone.now(),
        where="A car park",
        held_personal_data=True,
        personal_data="Pupil reports",
        was_encrypted=False,
    )
    breach = Breach.objects.get()
    target = reverse("breach-detail", args=[breach.pk])
    for persona, can_open in ((personas.technician, False), (personas.headteacher, True)):
        sign_in(client, persona)
        page = client.get(reverse("device-detail", args=[laptop.pk])).content.decode()
        opened = client.get(target).status_code
        assert (f'href="{target}"' in page) is can_open
        assert (opened == 200) is can_open
        if not can_open:
            assert opened == 404
            assert "a breach record was opened for the headteacher" in page


@pytest.mark.parametrize("risk", [Risk.RISK, Risk.HIGH])
def test_a_breach_that_is_a_risk_to_people_cannot_be_left_unreported(personas, risk):
    breach = record(personas, likely_risk=risk)
    with pytest.raises(ValidationError) as refused:
        breaches.decide_ico(
            breach=breach,
            by=personas.headteacher,
            decision=IcoDecision.NOT_REPORTED,
            reason="We think it is fine.",
        )
    assert "must be reported" in str(refused.value)
    breach.refresh_from_db()
    assert not breach.is_decided


def test_not_reporting_needs_a_recorded_reason_even_when_unlikely(personas):
    breach = record(personas, likely_risk=Risk.UNLIKELY)
    with pytest.raises(ValidationError) as refused:
        breaches.decide_ico(
            breach=breach, by=personas.headteacher, decision=IcoDecision.NOT_REPORTED
        )
    assert "reason" in refused.value.message_dict
    decided = breaches.decide_ico(
        breach=breach,
        by=personas.headteacher,
        decision=IcoDecision.NOT_REPORTED,
        reason="Encrypted laptop, recovered the same day.",
    )
    assert decided.ico_decision == IcoDecision.NOT_REPORTED


def test_a_breach_not_reported_cannot_be_saved_as_a_risk_to_people(personas, client):
    breach = record(personas, likely_risk=Risk.UNLIKELY)
    breaches.decide_ico(
        breach=breach,
        by=personas.headteacher,
        decision=IcoDecision.NOT_REPORTED,
        reason="Encrypted laptop, recovered the same day.",
    )
    sign_in(client, personas.headteacher)
    response = client.post(
        reverse("breach-edit", args=[breach.pk]),
        {
            "what_happened": breach.what_happened,
            "data_affected": breach.data_affected,
            "people_affected": breach.people_affected,
            "likely_risk": Risk.RISK,
            "containment": "",
            "lessons": "",
        },
    )
    assert response.status_code == 400
    assert "allows only when it is unlikely to be a risk to people" in response.content.decode()
    breach.refresh_from_db()
    assert breach.likely_risk == Risk.UNLIKELY
