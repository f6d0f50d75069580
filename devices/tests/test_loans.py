"""Loans: signed through the agreements flow before hand-over, returned with a checklist."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from agreements import signing
from agreements.models import SignRequest
from devices import loans
from devices.loan_agreement import loan_document
from devices.models import Status
from devices.tests import factories
from esafety.models import Membership, Notification
from esafety.once import was_already_done
from esafety.services import end_membership
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def run_devices_sweep(now=None):
    jobs = {n: j for n, j in registered_jobs().items() if n.startswith("devices.")}
    return run_sweeps(now=now or timezone.now(), jobs=jobs)


def test_lending_to_a_pupil_asks_their_parent_to_sign(personas):
    loan = factories.lend(personas)
    assert loan.for_pupil and loan.stage == "Waiting for the agreement to be signed"
    request = SignRequest.objects.get(person=personas.parent)
    assert request.subject == personas.pupil
    assert request.document == loan_document(personas.school, for_pupil=True)
    assert not SignRequest.objects.filter(person=personas.pupil).exists()


def test_a_loan_cannot_be_handed_over_unsigned(personas, client):
    loan = factories.lend(personas)
    with pytest.raises(ValidationError, match="not signed yet"):
        loans.hand_over(loan=loan, by=personas.technician)
    sign_in(client, personas.technician)
    response = client.post(reverse("loan-hand-over", args=[loan.pk]), follow=True)
    assert "The loan agreement is not signed yet" in response.content.decode()
    loan.refresh_from_db()
    assert loan.handed_over_at is None and loan.device.status == Status.IN_USE


def test_once_the_parent_signs_it_is_handed_over_once(personas):
    loan = factories.lend(personas)
    signature = factories.sign_loan(personas, loan)
    loan = loans.hand_over(loan=loan, by=personas.technician)
    assert loan.signature == signature and loan.handed_over_by == personas.technician
    assert loan.device.status == Status.ON_LOAN and loan.device.assigned_to == personas.pupil
    assert loan.history.first().history_user == personas.technician
    with pytest.raises(ValidationError, match="already handed over") as second:
        loans.hand_over(loan=loan, by=personas.technician)
    assert was_already_done(second.value)  # the view lands it where the first went


def test_a_paper_form_recorded_by_the_office_counts(personas):
    loan = factories.lend(personas)
    document = loan_document(personas.school, for_pupil=True)
    signing.record_paper(
        version=document.current_version(),
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents={},
        scan=ContentFile(factories.PDF, name="form.pdf"),
        office=personas.technician,
    )
    assert loans.hand_over(loan=loan, by=personas.technician).handed_over_at


def test_a_staff_borrower_signs_for_themselves(personas):
    loan = factories.lend(personas, borrower=personas.teacher)
    assert not loan.for_pupil
    assert SignRequest.objects.get(person=personas.teacher).subject == personas.teacher
    factories.sign_loan(personas, loan)
    assert loans.hand_over(loan=loan, by=personas.technician).handed_over_at


def test_a_new_version_asks_only_current_borrowers(personas):
    current = factories.lend(personas, hand_over=True)
    returned = factories.lend(personas, borrower=personas.teacher, hand_over=True)
    loans.record_return(
        loan=returned,
        by=personas.technician,
        condition="good",
        accessories_returned=True,
        accounts_cleared=True,
        factory_reset=True,
    )
    for for_pupil in (True, False):
        document = loan_document(personas.school, for_pupil=for_pupil)
        version = agreement_services.new_version(
            document=document, by=personas.esafety_officer, text="New terms."
        )
        agreement_services.head_sign_off(version=version, by=personas.headteacher)
        agreement_services.approve(version=version, by=personas.chair)
    asked = SignRequest.objects.filter(version__number=2, completed_at__isnull=True)
    assert {(r.person, r.subject) for r in asked} == {(personas.parent, current.borrower)}


def test_return_checklist_records_who_and_when(personas, client):
    loan = factories.lend(personas, hand_over=True)
    sign_in(client, personas.technician)
    url = reverse("loan-return", args=[loan.pk])
    incomplete = client.post(url, {"condition": "good", "accessories_returned": "on"})
    assert incomplete.status_code == 400
    assert "Something on the checklist is not done" in incomplete.content.decode()
    response = client.post(
        url,
        {
            "condition": "good",
            "accessories_returned": "on",
            "accounts_cleared": "on",
            "factory_reset": "on",
        },
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_at and loan.return_checked_by == personas.technician
    assert loan.factory_reset and loan.accounts_cleared and loan.accessories_returned
    assert loan.device.status == Status.IN_STORE and loan.device.assigned_to is None


def test_a_leavers_loans_are_listed_and_they_are_reminded_once(personas, client):
    loan = factories.lend(personas, borrower=personas.teacher, hand_over=True)
    membership = Membership.objects.get(user=personas.teacher, school=personas.school)
    end_membership(membership=membership, ended_on=timezone.localdate() + timedelta(days=10))
    sign_in(client, personas.technician)
    page = client.get(reverse("loans", args=[personas.school.slug]))
    assert [item.pk for item in page.context["leavers"]] == [loan.pk]
    from devices.tests.test_compliance import working_morning

    run_devices_sweep(working_morning())
    run_devices_sweep(working_morning())
    titles = Notification.objects.filter(recipient=personas.teacher).values_list("title", flat=True)
    assert list(titles).count("Please return the school's device before you leave") == 1
    summary = Notification.objects.get(
        recipient=personas.technician, title__startswith=str(personas.school)
    )
    assert summary.title == f"{personas.school}: 1 loan with someone leaving"
    assert summary.link == reverse("loans", args=[personas.school.slug])


def test_overdue_loans_remind_the_parent_then_the_technician(personas):
    loan = factories.lend(personas, hand_over=True)
    due = loan.due_back
    day_after = timezone.now() + timedelta(days=(due - timezone.localdate()).days + 1)
    run_devices_sweep(day_after)
    run_devices_sweep(day_after)
    assert (
        Notification.objects.filter(
            recipient=personas.parent, title__startswith="Please return"
        ).count()
        == 1
    )
    # Not the technician yet: a day late is the borrower's business. (Their daily summary
    # may count the lent laptop's own checks, on some days; it names no loan.)
    assert not Notification.objects.filter(
        recipient=personas.technician, title__contains="loan"
    ).exclude(title__contains="is signed")
    from devices.tests.test_compliance import working_morning

    week_later = working_morning(day_after + timedelta(days=8))
    run_devices_sweep(week_later)
    run_devices_sweep(week_later + timedelta(hours=2))
    assert (
        Notification.objects.filter(
            recipient=personas.technician, title__endswith="1 loan a week overdue"
        ).count()
        == 1
    )


def test_parent_and_pupil_see_the_loan_and_nobody_elses(personas, client):
    loan = factories.lend(personas)
    other = factories.lend(personas, borrower=personas.teacher)
    for user in (personas.parent, personas.pupil):
        sign_in(client, user)
        page = client.get(reverse("my-loans"))
        assert [item.pk for item in page.context["loans"]] == [loan.pk]
        assert client.get(reverse("loan-detail", args=[other.pk])).status_code == 404


def test_the_lend_form_offers_only_devices_free_to_lend(personas):
    from devices.forms import LendForm

    free = factories.device(personas.school)
    lent = factories.lend(personas)
    lost = factories.device(personas.school, status=Status.LOST)
    offered = set(LendForm(school=personas.school).fields["device"].queryset)
    assert free in offered and lent.device not in offered and lost not in offered


def test_a_parent_reports_the_lent_laptop_stolen_and_the_loan_ends_there(personas, client):
    loan = factories.lend(personas, hand_over=True)
    sign_in(client, personas.parent)
    url = reverse("loan-report-loss", args=[loan.pk])
    assert url in client.get(reverse("loan-detail", args=[loan.pk])).content.decode()
    response = client.post(
        url,
        {
            "kind": "stolen",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "where": "Taken from our car",
            "held_personal_data": "no",
            "was_encrypted": "yes",
            "police_reference": "CAD 1234",
        },
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.lost_at and loan.stage == "Reported lost or stolen"
    assert loan.device.status == Status.STOLEN
    heads = Notification.objects.filter(recipient=personas.headteacher)
    assert heads.filter(title__contains="was reported stolen").count() == 1
    # Nobody is asked to give back a stolen laptop.
    run_devices_sweep(timezone.now() + timedelta(days=60))
    assert not Notification.objects.filter(title__startswith="Please return").exists()
    with pytest.raises(ValidationError, match="out on loan"):
        loans.record_return(
            loan=loan,
            by=personas.technician,
            condition="good",
            accessories_returned=True,
            accounts_cleared=True,
            factory_reset=True,
        )


def test_someone_elses_loan_cannot_be_reported_lost(personas, client):
    loan = factories.lend(personas, borrower=personas.teacher, hand_over=True)
    sign_in(client, personas.parent)
    assert client.get(reverse("loan-report-loss", args=[loan.pk])).status_code == 404
