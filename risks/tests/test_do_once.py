"""A risk's steps sent twice (a double click, a reload, a second tab): the second lands
where the first did, with a note; no second history entry, nothing re-stamped. And the
register's sign-off form is shown only while the head may still sign this school year."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from esafety.testing_http import notes_after
from risks import services
from risks.models import RegisterSignOff, Risk, Status
from risks.tests.factories import make_risk

pytestmark = pytest.mark.django_db
LATER = timezone.localdate() + datetime.timedelta(days=90)


def reasons(risk):
    return [h.history_change_reason for h in risk.history.all() if h.history_change_reason]


def test_accepting_a_risk_twice_accepts_it_once_and_keeps_the_first_time(personas, client):
    risk = make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    url = reverse("risk-step", args=[risk.pk, "accept"])
    form = {"reason": "Cost outweighs benefit", "review_on": LATER.isoformat()}
    sign_in(client, personas.headteacher)

    first = client.post(url, form)
    assert first.status_code == 302 and first["Location"] == risk.get_absolute_url()
    accepted_at = Risk.objects.get(pk=risk.pk).accepted_at
    second = client.post(url, form)

    assert second.status_code == 302 and second["Location"] == risk.get_absolute_url()
    assert ("info", services.ALREADY_IN_STATUS[Status.ACCEPTED]) in notes_after(second)
    risk.refresh_from_db()
    assert risk.status == Status.ACCEPTED and risk.accepted_at == accepted_at
    accepted = [r for r in reasons(risk) if r.startswith("Accepted:")]
    assert accepted == ["Accepted: Cost outweighs benefit"]


def test_recording_the_same_review_twice_records_it_once(personas, client):
    risk = make_risk(personas.school, personas.esafety_officer)
    url = reverse("risk-step", args=[risk.pk, "review"])
    sign_in(client, personas.esafety_officer)

    first = client.post(url, {"note": "Still right after the filter change"})
    second = client.post(url, {"note": "Still right after the filter change"})

    assert first["Location"] == second["Location"] == risk.get_absolute_url()
    assert ("info", services.REVIEW_RECORDED_ALREADY) in notes_after(second)
    reviewed = [r for r in reasons(risk) if r.startswith("Reviewed:")]
    assert reviewed == ["Reviewed: Still right after the filter change"]
    # A different finding the same day is a review of its own.
    client.post(url, {"note": "Checked again after a new incident"})
    assert len([r for r in reasons(risk) if r.startswith("Reviewed:")]) == 2


def test_closing_twice_is_one_closure(personas, client):
    risk = make_risk(personas.school, personas.esafety_officer)
    url = reverse("risk-step", args=[risk.pk, "close"])
    sign_in(client, personas.esafety_officer)
    client.post(url, {"reason": "Laptops withdrawn"})
    second = client.post(url, {"reason": "Laptops withdrawn"})
    assert second.status_code == 302 and second["Location"] == risk.get_absolute_url()
    assert [r for r in reasons(risk) if r.startswith("Closed:")] == ["Closed: Laptops withdrawn"]


# --- the yearly sign-off ---------------------------------------------------------------------


def test_the_sign_off_form_is_shown_until_the_head_signs_then_who_signed_and_when(personas, client):
    make_risk(personas.school, personas.esafety_officer)
    url = reverse("risk-signoffs", args=[personas.school.slug])
    sign_in(client, personas.headteacher)
    before = client.get(url).content.decode()
    assert "Sign off the register" in before

    assert client.post(url, {"comment": "Reviewed with the DSL."}).status_code == 302
    signed = RegisterSignOff.objects.get(school=personas.school)
    after = client.get(url).content.decode()
    assert "Sign off the register" not in after and 'name="comment"' not in after
    assert (
        f"signed off by {personas.headteacher} on {timezone.localtime(signed.signed_at):%-d %B %Y}"
        in after
    )

    # The head's second click lands on the page with a note; still one signature.
    again = client.post(url, {"comment": "Reviewed with the DSL."})
    assert again.status_code == 302 and again["Location"] == url
    assert ("info", services.SIGNED_ALREADY) in notes_after(again)
    assert RegisterSignOff.objects.filter(school=personas.school).count() == 1

    # A trustee reads that the headteacher signed, without the name.
    sign_in(client, personas.trustee)
    page = client.get(url).content.decode()
    assert "signed off by the headteacher on" in page
    assert str(personas.headteacher) not in page


def test_the_sign_off_rule_allows_the_head_once_a_school_year(personas):
    from esafety.roles import allowed

    school = personas.school
    assert allowed(personas.headteacher, "risks.sign_register", school)
    assert not allowed(personas.esafety_officer, "risks.sign_register", school)
    services.sign_register(school=school, by=personas.headteacher)
    assert not allowed(personas.headteacher, "risks.sign_register", school)
    # Last year's signature doesn't count for this year.
    RegisterSignOff.objects.update(year=timezone.localdate().year - 2)
    assert allowed(personas.headteacher, "risks.sign_register", school)
