"""No link on an incident's page that the rules then refuse: each link is shown by the
same named rule that guards the page it opens."""

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents import services
from incidents.models import ParentsInformed, Subject
from incidents.tests.factories import classify, report

pytestmark = pytest.mark.django_db

CHANGE = "Change the report"
LINK_RISK = "Link to a risk or raise a new risk"


def closed_and_signed(personas):
    officer = personas.esafety_officer
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=officer)
    classify(incident, officer)
    services.record_parent_contact(
        incident=incident, by=officer, informed=ParentsInformed.YES, when=timezone.now()
    )
    services.record_review(incident=incident, by=officer, result="No repeat", close=True)
    services.sign_off(incident=incident, by=personas.headteacher)
    return incident


def offered_and_allowed(client, incident, step="amend"):
    """(the link is on the incident page, its page opens)."""
    url = reverse("incident-action", args=[incident.pk, step])
    page = client.get(incident.get_absolute_url()).content.decode()
    return f'href="{url}"' in page, client.get(url).status_code


def test_the_reporter_may_change_an_open_report_and_the_page_offers_it(personas, client):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.teacher)
    assert offered_and_allowed(client, incident) == (True, 200)
    assert (
        "add it by changing the report" in client.get(incident.get_absolute_url()).content.decode()
    )


def test_a_closed_signed_off_report_offers_no_change_that_would_be_refused(personas, client):
    incident = closed_and_signed(personas)
    for who in (personas.teacher, personas.esafety_officer, personas.headteacher):
        sign_in(client, who)
        assert offered_and_allowed(client, incident) == (False, 403), who
        page = client.get(incident.get_absolute_url()).content.decode()
        assert CHANGE not in page
        client.logout()


def test_signed_off_but_not_closed_the_reporter_can_no_longer_change_it(personas, client):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    services.record_review(incident=incident, by=personas.esafety_officer, result="Done")
    services.sign_off(incident=incident, by=personas.headteacher)
    sign_in(client, personas.teacher)
    assert offered_and_allowed(client, incident) == (False, 403)
    client.logout()
    sign_in(client, personas.esafety_officer)  # still open: those dealing with it may
    assert offered_and_allowed(client, incident) == (True, 200)


def test_reopened_the_officer_can_change_it_again(personas, client):
    incident = closed_and_signed(personas)
    services.reopen_incident(incident=incident, by=personas.esafety_officer, reason="Again")
    sign_in(client, personas.esafety_officer)
    assert offered_and_allowed(client, incident) == (True, 200)


def test_the_chair_is_not_offered_a_risk_link_the_risks_rule_refuses(personas, client):
    about_head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    sign_in(client, personas.chair)
    page = client.get(about_head.get_absolute_url())
    assert page.status_code == 200 and LINK_RISK not in page.content.decode()
    assert client.get(reverse("risk-link-incident", args=[about_head.pk])).status_code == 403


def test_the_officer_is_offered_the_risk_link_and_it_opens(personas, client):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    page = client.get(incident.get_absolute_url()).content.decode()
    url = reverse("risk-link-incident", args=[incident.pk])
    assert LINK_RISK in page and f'href="{url}"' in page
    assert client.get(url).status_code == 200


def test_every_link_on_the_page_opens_for_whoever_sees_it(personas, client):
    """Each incident link shown to each person who may open the page answers 200."""
    incident = report(personas.school, personas.teacher)
    about_head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    signed = closed_and_signed(personas)
    cases = [
        (personas.teacher, incident),
        (personas.esafety_officer, incident),
        (personas.headteacher, incident),
        (personas.chair, about_head),
        (personas.esafety_officer, about_head),
        (personas.teacher, signed),
        (personas.esafety_officer, signed),
        (personas.headteacher, signed),
    ]
    followed = 0
    for who, shown in cases:
        sign_in(client, who)
        page = client.get(shown.get_absolute_url()).content.decode()
        prefix = f"/incidents/{shown.pk}/"
        links = {
            href
            for href in _hrefs(page)
            if (href.startswith(prefix) or "/risks/" in href) and "?entry=" not in href
        }
        for href in links:
            assert client.get(href).status_code == 200, (who, href)
        followed += len(links)
        client.logout()
    assert followed > 20


def _hrefs(page):
    import re

    return re.findall(r'href="([^"#]+)"', page)
