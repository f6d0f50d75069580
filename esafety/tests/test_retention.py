"""Retention: dates at their boundaries (31 January and 29 February birthdays), the
school lengthening a period (never below the minimum), legal holds stopping destruction
(also when posted), tombstones that hold no personal data, files and history gone, a
batch sent twice made once, the monthly review told once, and who may see it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.models import Notification
from esafety.models_retention import DestructionBatch, LegalHold, RetentionPeriod, Tombstone
from esafety.retention import services
from esafety.retention.forms import LengthenForm
from esafety.retention.registry import add_years, get_rule, record_ref, registered_rules
from esafety.retention.sweeps import retention_review
from esafety.sweeps import Sweep
from esafety.testing import person, sign_in
from esafety.tests.permissions_retention import due_training_record
from incidents.models import Incident, Part, PersonKind, Status
from incidents.tests.factories import report

D = datetime.date


def closed_incident(p, pupil, **fields):
    entry = {"person": pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    incident = report(p.school, p.teacher, people=[entry], **fields)
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    return Incident.objects.get(pk=incident.pk)


def due_refs(school, viewer, today):
    return {d.candidate.ref: d for g in services.review(school, viewer, today) for d in g.due}


# --- dates --------------------------------------------------------------------------------


def test_add_years_keeps_31_january_and_moves_29_february_to_1_march():
    assert add_years(D(2001, 1, 31), 25) == D(2026, 1, 31)
    assert add_years(D(2004, 2, 29), 25) == D(2029, 3, 1)  # 2029 has no 29 February
    assert add_years(D(2004, 2, 29), 24) == D(2028, 2, 29)  # 2028 has one
    assert add_years(D(2024, 2, 29), 1) == D(2025, 3, 1)  # "a year after" too


@pytest.mark.parametrize(
    "born, last_kept, first_due",
    [
        (D(2001, 1, 31), D(2026, 1, 30), D(2026, 1, 31)),
        (D(2004, 2, 29), D(2029, 2, 28), D(2029, 3, 1)),
        (D(2000, 2, 29), D(2025, 2, 28), D(2025, 3, 1)),
    ],
)
def test_a_child_protection_record_is_due_on_the_25th_birthday(
    personas, born, last_kept, first_due
):
    p = personas
    p.pupil.date_of_birth = born
    p.pupil.save()
    incident = closed_incident(p, p.pupil)
    officer = p.esafety_officer
    assert record_ref(incident) not in due_refs(p.school, officer, last_kept)
    due = due_refs(p.school, officer, first_due)[record_ref(incident)]
    assert due.candidate.keep_until == first_due


def test_an_open_incident_is_never_due(personas):
    p = personas
    p.pupil.date_of_birth = D(1990, 1, 1)
    p.pupil.save()
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    incident = report(p.school, p.teacher, people=[entry])
    assert record_ref(incident) not in due_refs(p.school, p.esafety_officer, D(2026, 12, 1))


def test_an_allegation_is_kept_to_retirement_age_or_ten_years_whichever_is_longer(personas):
    p = personas
    older = person(p.school, "staff", name="Olive Older")
    older.date_of_birth = D(1960, 1, 31)
    older.save()
    entry = {"person": older, "name": "", "kind": PersonKind.STAFF, "part": Part.ALLEGED}
    when = timezone.make_aware(datetime.datetime(2016, 5, 1, 10))
    incident = report(p.school, p.teacher, subject="staff", people=[entry], occurred_at=when)
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    # 67 on 31 January 2027, later than ten years from 1 May 2016.
    assert record_ref(incident) not in due_refs(p.school, p.esafety_officer, D(2027, 1, 30))
    due = due_refs(p.school, p.esafety_officer, D(2027, 1, 31))[record_ref(incident)]
    assert due.candidate.keep_until == D(2027, 1, 31)
    older.date_of_birth = D(1990, 1, 1)  # 67 in 2057: ten years from the allegation
    older.save()
    assert record_ref(incident) not in due_refs(p.school, p.esafety_officer, D(2027, 1, 31))
    older.date_of_birth = D(1955, 1, 1)  # past 67 already: ten years from the allegation
    older.save()
    assert due_refs(p.school, p.esafety_officer, D(2026, 5, 1))[
        record_ref(incident)
    ].candidate.keep_until == D(2026, 5, 1)


# --- the school's periods ------------------------------------------------------------------


def test_a_school_may_lengthen_a_period_but_not_shorten_it_below_the_minimum(personas):
    p = personas
    with pytest.raises(ValidationError) as error:
        services.set_period(
            school=p.school, rule_key="training.records", years=5, reason="x", by=p.headteacher
        )
    assert "minimum of 6 years" in str(error.value)
    form = LengthenForm({"years": 5, "reason": "Shorter"}, minimum=6)
    assert not form.is_valid() and "minimum of 6 years" in form.errors["years"][0]

    record = due_training_record(p)  # done 1 September 2015: due 1 September 2021
    assert record_ref(record) in due_refs(p.school, p.esafety_officer, D(2022, 1, 1))
    services.set_period(
        school=p.school,
        rule_key="training.records",
        years=10,
        reason="The trust keeps training records for 10 years.",
        by=p.headteacher,
    )
    assert record_ref(record) not in due_refs(p.school, p.esafety_officer, D(2025, 8, 31))
    assert record_ref(record) in due_refs(p.school, p.esafety_officer, D(2025, 9, 1))
    services.set_period(
        school=p.school, rule_key="training.records", years=12, reason="Longer", by=p.headteacher
    )
    period = RetentionPeriod.objects.get(school=p.school)
    assert [h.years for h in period.history.order_by("history_date")] == [10, 12]


def test_the_lengthen_page_refuses_a_shorter_period(personas, client):
    p = personas
    sign_in(client, p.esafety_officer)
    url = reverse("retention-lengthen", args=[p.school.slug, "incidents.child_protection"])
    response = client.post(url, {"years": 20, "reason": "Shorter, please"})
    assert response.status_code == 400
    assert "can&#x27;t be shorter than the minimum of 25 years" in response.content.decode()
    assert not RetentionPeriod.objects.exists()


def test_every_rule_shows_its_source_and_a_minimum(personas, client):
    keys = {rule.key for rule in registered_rules()}
    assert {
        "incidents.child_protection",
        "incidents.allegations",
        "agreements.signatures",
        "devices.loans",
        "devices.confiscations",
        "devices.searches",
        "devices.breaches",
        "training.records",
    } <= keys
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("retention-schedule", args=[personas.school.slug]))
    text = page.content.decode()
    for rule in registered_rules():
        assert rule.source and rule.minimum_years >= 1
        assert rule.label in text
    assert "IRMS Information Management Toolkit for Schools" in text and "KCSIE" in text


# --- holds --------------------------------------------------------------------------------


def test_a_hold_on_a_person_stops_destruction_and_says_why(personas, client):
    p = personas
    record = due_training_record(p)
    services.place_hold(school=p.school, by=p.headteacher, person=p.teacher, reason="LADO case")
    due = due_refs(p.school, p.esafety_officer, None)[record_ref(record)]
    assert due.hold.reason == "LADO case"
    with pytest.raises(ValidationError) as error:
        services.approve_destruction(
            school=p.school, by=p.esafety_officer, refs=[due.candidate.ref]
        )
    assert "LADO case" in str(error.value)

    sign_in(client, p.esafety_officer)
    url = reverse("retention-review", args=[p.school.slug])
    page = client.get(url).content.decode()
    assert "LADO case" in page and f'value="{record_ref(record)}"' not in page  # no tick box
    posted = client.post(url, {"destroy": record_ref(record), "once": "a-token-for-hold-test"})
    assert posted.status_code == 400 and "legal hold" in posted.content.decode()
    assert type(record).objects.filter(pk=record.pk).exists()
    assert not DestructionBatch.objects.exists()


def test_a_hold_on_one_record_and_lifting_it(personas):
    p = personas
    record, other = due_training_record(p), due_training_record(p, title="Prevent")
    hold = services.place_hold(
        school=p.school, by=p.headteacher, record=record_ref(record), reason="Police inquiry"
    )
    with pytest.raises(ValidationError):
        services.approve_destruction(
            school=p.school, by=p.esafety_officer, refs=[record_ref(record), record_ref(other)]
        )
    assert type(record).objects.count() == 2  # a failure changes nothing
    services.lift_hold(hold=hold, by=p.esafety_officer, reason="Inquiry closed")
    with pytest.raises(ValidationError):
        services.lift_hold(hold=hold, by=p.esafety_officer, reason="Again")
    services.approve_destruction(school=p.school, by=p.esafety_officer, refs=[record_ref(record)])
    assert LegalHold.objects.get().lifted_by == p.esafety_officer


# --- destroying ---------------------------------------------------------------------------


def test_destroying_leaves_a_tombstone_with_no_personal_data(personas, client):
    p = personas
    p.pupil.date_of_birth = D(1995, 1, 31)
    p.pupil.save()
    incident = closed_incident(p, p.pupil, description="Poppy was sent a cruel message.")
    sign_in(client, p.esafety_officer)
    url = reverse("retention-review", args=[p.school.slug])
    response = client.post(url, {"destroy": record_ref(incident), "once": "token-tombstone-1"})
    assert response.status_code == 302
    assert not Incident.objects.filter(pk=incident.pk).exists()
    tombstone = Tombstone.objects.get()
    assert (tombstone.kind, tombstone.reference) == ("Incident report", incident.reference)
    assert tombstone.keep_until == D(2020, 1, 31)
    assert tombstone.approved_by == p.esafety_officer
    assert tombstone.rule_key == "incidents.child_protection"
    assert "IRMS" in tombstone.rule_source
    words = " ".join(str(getattr(tombstone, f.attname)) for f in Tombstone._meta.concrete_fields)
    for personal in ("Poppy", "Pupil", "Terry", "cruel"):
        assert personal not in words
    page = client.get(reverse("retention-tombstones", args=[p.school.slug])).content.decode()
    assert incident.reference in page and "Poppy" not in page
    filtered = client.get(
        reverse("retention-tombstones", args=[p.school.slug]), {"rule": "devices.loans"}
    )
    assert incident.reference not in filtered.content.decode()


def test_history_rows_go_with_the_record(personas):
    p = personas
    p.pupil.date_of_birth = D(1995, 1, 31)
    p.pupil.save()
    incident = closed_incident(p, p.pupil)
    parts = list(incident.people.values_list("pk", flat=True))
    assert Incident.history.filter(id=incident.pk).exists()
    services.approve_destruction(school=p.school, by=p.esafety_officer, refs=[record_ref(incident)])
    assert not Incident.history.filter(id=incident.pk).exists()
    assert not incident.people.model.history.filter(id__in=parts).exists()


def test_the_same_batch_sent_twice_is_destroyed_once(personas, client):
    p = personas
    record = due_training_record(p)
    sign_in(client, p.esafety_officer)
    url = reverse("retention-review", args=[p.school.slug])
    data = {"destroy": record_ref(record), "once": "the-same-batch-token"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 302
    assert DestructionBatch.objects.count() == 1 and Tombstone.objects.count() == 1
    # The same batch from another page (a new token): told it was done, nothing more.
    with pytest.raises(ValidationError) as error:
        services.approve_destruction(school=p.school, by=p.headteacher, refs=[record_ref(record)])
    assert "destroyed already" in str(error.value)
    with pytest.raises(ValidationError):
        services.approve_destruction(
            school=p.school, by=p.headteacher, refs=["x:1"], token="the-same-batch-token"
        )


def test_a_record_not_yet_due_is_refused_even_if_posted(personas):
    p = personas
    from training.models import TrainingRecord

    recent = TrainingRecord.objects.create(
        school=p.school,
        person=p.teacher,
        title="Recent",
        completed_on=timezone.localdate(),
        recorded_by=p.esafety_officer,
    )
    with pytest.raises(ValidationError):
        services.approve_destruction(
            school=p.school, by=p.esafety_officer, refs=[record_ref(recent)]
        )
    assert TrainingRecord.objects.filter(pk=recent.pk).exists()


def test_an_allegation_about_the_headteacher_is_not_theirs_to_review(personas):
    p = personas
    p.headteacher.date_of_birth = D(1940, 1, 1)
    p.headteacher.save()
    entry = {"person": p.headteacher, "name": "", "kind": PersonKind.STAFF, "part": Part.ALLEGED}
    when = timezone.make_aware(datetime.datetime(2010, 1, 1, 10))
    incident = report(p.school, p.teacher, subject="headteacher", people=[entry], occurred_at=when)
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    assert record_ref(incident) in due_refs(p.school, p.esafety_officer, None)
    assert record_ref(incident) not in due_refs(p.school, p.headteacher, None)
    with pytest.raises(ValidationError):
        services.approve_destruction(school=p.school, by=p.headteacher, refs=[record_ref(incident)])
    assert Incident.objects.filter(pk=incident.pk).exists()


# --- the monthly review -------------------------------------------------------------------


def test_the_officer_is_told_once_a_month(personas):
    p = personas
    due_training_record(p)
    first = timezone.make_aware(datetime.datetime(2026, 12, 1, 6))
    retention_review(Sweep(now=first))
    retention_review(Sweep(now=first + datetime.timedelta(hours=3)))
    told = Notification.objects.filter(recipient=p.esafety_officer)
    assert told.count() == 1
    assert told.get().title.startswith("1 record reached")
    assert told.get().link == reverse("retention-review", args=[p.school.slug])
    assert not Notification.objects.filter(recipient=p.teacher).exists()
    retention_review(Sweep(now=first + datetime.timedelta(days=31)))
    assert told.count() == 2


def test_nothing_due_tells_nobody(personas):
    retention_review(Sweep(now=timezone.now()))
    assert not Notification.objects.exists()


# --- who sees it, and what it costs -------------------------------------------------------


@pytest.mark.parametrize("who, status", [("teacher", 403), ("trustee", 404), ("chair", 404)])
def test_only_the_schools_leads_see_it(personas, client, who, status):
    sign_in(client, personas.get(who))
    url = reverse("retention-review", args=[personas.school.slug])
    got = client.get(url).status_code
    assert got in (403, 404) and (got == status or who != "teacher")


def test_the_review_costs_the_same_queries_with_ten_times_the_records(personas, client):
    p = personas
    sign_in(client, p.esafety_officer)
    url = reverse("retention-review", args=[p.school.slug])

    def grow(n):
        for _ in range(n):
            pupil = person(p.school, "pupil")
            pupil.date_of_birth = D(1990, 1, 1)
            pupil.save()
            closed_incident(p, pupil)
            due_training_record(p, person=pupil)
        services.place_hold(school=p.school, by=p.headteacher, person=pupil, reason="Claim")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    grow(2)
    small = count()
    grow(20)
    assert count() == small


def test_rules_are_found_from_the_apps(personas):
    assert get_rule("devices.loans").model == "devices.Loan"
