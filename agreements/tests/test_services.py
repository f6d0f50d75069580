"""Agreements without pages: approval, immutability, consent, campaigns and reminders."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from agreements import services
from agreements.models import Document, Kind, Reason, Signature, SignRequest, Version
from agreements.tests.factories import parent_agreement, published
from esafety.models import Membership, Notification, Role
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import person

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
ALL_YES = {
    "internet": True,
    "website": True,
    "newspaper": True,
    "prospectus": True,
    "social_media": True,
}


@pytest.fixture
def docs(personas):
    school = personas.school
    policy = Document.objects.create(
        school=school,
        kind=Kind.POLICY,
        title="E-safety policy",
        audience_roles=["headteacher", "esafety_officer", "technician", "staff"],
    )
    aup = Document.objects.create(
        school=school,
        kind=Kind.STAFF_AUP,
        title="Staff AUP",
        audience_roles=["headteacher", "esafety_officer", "technician", "staff"],
        grants_internet_access=True,
    )
    parent = parent_agreement(school)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=LONDON), tick=False):
        for document in (policy, aup, parent):
            published(document, personas.headteacher)
    return {"policy": policy, "aup": aup, "parent": parent}


def open_requests(user):
    return set(
        SignRequest.objects.filter(person=user, completed_at__isnull=True).values_list(
            "document__title", "reason"
        )
    )


def test_a_version_must_be_signed_off_and_approved_before_publishing(personas, docs):
    version = services.new_version(
        document=docs["policy"], by=personas.esafety_officer, text="Draft"
    )
    with pytest.raises(ValidationError):
        services.publish(version=version, by=personas.headteacher)
    with pytest.raises(ValidationError):
        services.trustees_approve(version=version, by=personas.chair)


def test_published_text_and_signatures_can_never_change(personas, docs):
    version = docs["policy"].current_version()
    version.text = "Changed after publishing"
    with pytest.raises(ValidationError):
        version.save()
    signature = services.sign(
        version=version,
        signer=personas.teacher,
        subject=personas.teacher,
        typed_name="Terry Teacher",
    )
    signature.typed_name = "Someone else"
    with pytest.raises(ValidationError):
        signature.save()
    with pytest.raises(ValidationError):
        signature.delete()
    with pytest.raises(ValidationError):
        Signature.objects.filter(pk=signature.pk).update(typed_name="x")
    with pytest.raises(ValidationError):
        Signature.objects.all().delete()
    assert Signature.objects.get().typed_name == "Terry Teacher"


def test_a_signature_warns_when_the_text_no_longer_matches(personas, docs):
    version = docs["policy"].current_version()
    signature = services.sign(
        version=version,
        signer=personas.teacher,
        subject=personas.teacher,
        typed_name="Terry Teacher",
    )
    assert signature.matches_version()
    with connection.cursor() as cursor:  # someone edits the database behind our back
        cursor.execute(
            "UPDATE agreements_version SET text = 'Tampered' WHERE id = %s", [version.pk]
        )
    signature = Signature.objects.select_related("version").get(pk=signature.pk)
    assert not signature.matches_version()


def test_consent_is_never_assumed(personas, docs):
    version = docs["parent"].current_version()
    assert not services.consent_now(docs["parent"], personas.pupil, "website")
    with pytest.raises(ValidationError, match="Answer yes or no"):
        services.sign(
            version=version,
            signer=personas.parent,
            subject=personas.pupil,
            typed_name="Pat Parent",
            consents={"internet": True},
        )
    assert Signature.objects.count() == 0


def test_withdrawing_consent_adds_a_record_and_stops_consent(personas, docs):
    version = docs["parent"].current_version()
    with time_machine.travel(datetime.datetime(2026, 10, 2, 9, tzinfo=LONDON), tick=False):
        services.sign(
            version=version,
            signer=personas.parent,
            subject=personas.pupil,
            typed_name="Pat Parent",
            consents=ALL_YES,
        )
        assert services.consent_now(docs["parent"], personas.pupil, "website")
    with time_machine.travel(datetime.datetime(2026, 10, 9, 9, tzinfo=LONDON), tick=False):
        withdrawal = services.sign(
            version=version,
            signer=personas.parent,
            subject=personas.pupil,
            typed_name="Pat Parent",
            consents={**ALL_YES, "website": False},
        )
        assert withdrawal.is_withdrawal
        assert not services.consent_now(docs["parent"], personas.pupil, "website")
        assert services.consent_now(docs["parent"], personas.pupil, "newspaper")
    assert Signature.objects.count() == 2


def test_a_new_version_re_asks_only_that_document(personas, docs):
    for doc in ("policy", "aup"):
        services.sign(
            version=docs[doc].current_version(),
            signer=personas.teacher,
            subject=personas.teacher,
            typed_name="Terry Teacher",
        )
    assert open_requests(personas.teacher) == set()
    published(docs["policy"], personas.headteacher, text="Version 2")
    assert open_requests(personas.teacher) == {("E-safety policy", Reason.NEW_VERSION)}
    assert docs["policy"].versions.get(number=1).status == "superseded"


def test_the_new_academic_year_asks_parents_again(personas, docs):
    version = docs["parent"].current_version()
    with time_machine.travel(datetime.datetime(2026, 10, 2, 9, tzinfo=LONDON), tick=False):
        services.sign(
            version=version,
            signer=personas.parent,
            subject=personas.pupil,
            typed_name="Pat Parent",
            consents=ALL_YES,
        )
    services.sync_requests(document=docs["parent"], on=datetime.date(2027, 8, 31))
    assert open_requests(personas.parent) == set()
    services.sync_requests(document=docs["parent"], on=datetime.date(2027, 9, 1))
    assert open_requests(personas.parent) == {("Parent agreement", Reason.NEW_YEAR)}
    assert not services.consent_now(
        docs["parent"], personas.pupil, "website", on=datetime.date(2027, 9, 1)
    )


def test_a_new_member_of_staff_is_asked_on_induction_once(personas, docs):
    newcomer = person(personas.school, Role.STAFF, name="Nina Newcomer")
    Membership.objects.filter(user=newcomer).update(started_on=timezone.localdate())
    services.sync_requests(document=docs["policy"])
    services.sync_requests(document=docs["policy"])
    assert open_requests(newcomer) == {("E-safety policy", Reason.INDUCTION)}
    assert Notification.objects.filter(recipient=newcomer).count() == 1


def test_either_parent_signing_completes_the_childs_item(personas, docs):
    second_parent = person(personas.school, Role.PARENT, name="Sam Secondparent")
    from esafety.models import ParentLink

    ParentLink.objects.create(parent=second_parent, child=personas.pupil)
    services.sync_requests(document=docs["parent"])
    # Poppy started in September 2025: not new to the school this year, just not signed.
    assert open_requests(second_parent) == {("Parent agreement", Reason.NOT_SIGNED)}
    services.sign(
        version=docs["parent"].current_version(),
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents=ALL_YES,
    )
    assert open_requests(second_parent) == set()


def agreement_jobs():
    return {k: v for k, v in registered_jobs().items() if k.startswith("agreements.")}


def test_weekly_reminders_up_to_the_limit_then_the_officer_is_told(personas, docs):
    docs["aup"].reminder_limit = 2
    docs["aup"].save()
    start = SignRequest.objects.filter(person=personas.teacher, document=docs["aup"]).get()
    for days in (6, 7, 7, 10, 14, 14, 21, 22, 30):
        moment = start.created_at + datetime.timedelta(days=days, minutes=1)
        with time_machine.travel(moment, tick=False):
            run_sweeps(jobs=agreement_jobs())
    reminders = Notification.objects.filter(
        recipient=personas.teacher,
        title="Reminder: please read and sign Staff AUP (Oakwood Primary)",
    ).count()
    assert reminders == 2
    # Reminders ran out on day 21 (Thursday 22 October): that week's digest, and the next
    # week's on day 30; never a second in the same week (day 22).
    told = Notification.objects.filter(
        recipient=personas.esafety_officer, title__contains="still not signed after every"
    )
    assert told.count() == 2
    assert {n.body for n in told} == {"Staff AUP: 4 after 2 reminders"}
    # The message opens the list of who is still outstanding.
    link = told.first().link
    assert link == f"/schools/oakwood/agreements/registers/{docs['aup'].pk}/?status=outstanding"


def test_policy_review_reminders_thirty_days_before_and_on_the_day(personas, docs):
    due = docs["policy"].review_due
    assert due == datetime.date(2027, 10, 1)
    for day in (
        due - datetime.timedelta(days=31),
        due - datetime.timedelta(days=30),
        due - datetime.timedelta(days=29),
        due,
        due,
    ):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(9), LONDON)):
            run_sweeps(jobs=agreement_jobs())
    titles = list(
        Notification.objects.filter(
            recipient=personas.esafety_officer, title__contains="due for review"
        ).values_list("title", flat=True)
    )
    today = "The E-safety policy is due for review today (Oakwood Primary)"
    assert titles.count(today) == 1
    warning = "The E-safety policy is due for review on 1 October 2027 (Oakwood Primary)"
    assert titles.count(warning) == 1


def test_version_numbers_count_up(personas, docs):
    published(docs["policy"], personas.headteacher, text="Second")
    assert list(
        Version.objects.filter(document=docs["policy"]).values_list("number", flat=True)
    ) == [2, 1]


def test_a_document_not_signed_on_induction_waits_for_the_next_version(personas, docs):
    policy = docs["policy"]
    policy.sign_on_induction = False
    policy.save()
    newcomer = person(personas.school, Role.STAFF, name="Nina Newcomer")
    Membership.objects.filter(user=newcomer).update(started_on=datetime.date(2026, 11, 2))
    with time_machine.travel(datetime.datetime(2026, 11, 3, 9, tzinfo=LONDON), tick=False):
        services.sync_requests(document=policy)
        assert open_requests(newcomer) == set()
        # Staff who were here when it was published are still asked (since September
        # 2025: not new to the school, just not signed yet).
        assert ("E-safety policy", Reason.NOT_SIGNED) in open_requests(personas.teacher)
        published(policy, personas.headteacher, "Version two")
    assert ("E-safety policy", Reason.INDUCTION) in open_requests(newcomer)
