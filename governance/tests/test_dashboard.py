"""The governance dashboard: each figure against a hand count, the small-number rule and
its switch, the chair-only count of concerns about staff, periods, and who sees what."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.figures import figure_for
from esafety.models import Role
from esafety.testing import SchoolFactory, TrustFactory, person, sign_in, trustee
from governance.board import ack_figures
from governance.models import GovernanceSettings
from incidents.models import ActionKind, TimelineEntry
from incidents.tests.factories import report, shown_bare

from .data import TODAY

pytestmark = pytest.mark.django_db


def rows(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def value(found, figure, item, series=None):
    for row in found:
        same = row["Item"] == item and row[next(iter(row))] == figure
        if same and (series is None or row["Series"] == series):
            return row["Value"]
    raise KeyError((figure, item, series))


def test_incident_figures_match_a_hand_count(seeded):
    p = seeded
    months = figure_for("incidents.by_month", p.school.pk)["months"]
    autumn = [months[m] for m in ("2026-09", "2026-10", "2026-11")]
    assert sum(m["total"] for m in autumn) == 4  # A B C D; not E F (staff, head) nor H (draft)
    assert months["2026-10"]["by_area"] == {"content": 1, "contact": 1}
    assert months["2026-11"]["by_area"] == {"contact": 1, "conduct": 1}
    assert months["2026-11"]["by_category"] == {"pupil_c": 1, "pupil_d": 1}
    assert months["2026-10"]["by_tag"] == {"Cyberbullying": 1}
    assert months["2026-11"]["by_tag"] == {"Cyberbullying": 1}
    assert months["2026-11"]["escalated"] == 1
    assert months["2026-10"]["ack_minutes"] == [30, 960]
    assert months["2026-11"]["ack_minutes"] == [2880]
    assert months["2026-10"]["same_day"] == 2 and months["2026-11"]["same_day"] == 0
    assert months["2026-11"]["referrals"] == {"police": 1}  # the LADO one is about staff
    assert months["2026-11"]["staff_concerns"] == 1
    assert months["2026-10"]["head_concerns"] == 1
    assert months["2025-10"]["total"] == 1
    assert figure_for("incidents.overdue_actions", p.school.pk) == 1
    assert ack_figures([30, 960, 2880], 3, 2) == {"median": 960, "p90": 2880, "same_day": 67}


def test_the_dashboard_shows_the_hand_counted_figures(seeded, client):
    p = seeded
    sign_in(client, p.headteacher)  # the school's own view: exact numbers
    with time_machine.travel(TODAY, tick=False):
        found = rows(client, reverse("governance-school-csv", args=[p.school.slug]))
    assert value(found, "Headline", "Incidents") == "4"
    assert value(found, "Headline", "Time to acknowledge (median)") == "16.0 hours"
    assert value(found, "Headline", "Acknowledged the same school day") == "67%"
    assert value(found, "Headline", "Escalated (not acknowledged in time)") == "1"
    assert value(found, "Headline", "Incident actions overdue (today)") == "1"
    by_month = "Incidents by month, against the same months a year earlier"
    assert value(found, by_month, "Oct 2026", "This period") == "2"
    assert value(found, by_month, "Oct 2026", "A year earlier") == "1"
    assert value(found, "Incidents by risk area (the 4 Cs)", "Contact") == "2"
    assert value(found, "Incidents by category", "Pupil category D") == "1"
    assert value(found, "Incidents by kind (the ten most common)", "Cyberbullying") == "2"
    assert value(found, "Referrals by agency", "Police") == "1"
    assert value(found, "Referrals by agency", "LADO") == "0"


def test_small_numbers_are_hidden_for_trustees_until_the_chair_switches_it_off(seeded, client):
    p = seeded
    url = reverse("governance-trust-csv", args=[p.school.trust_id])
    school_url = reverse("governance-school-csv", args=[p.school.slug])
    sign_in(client, p.trustee)
    with time_machine.travel(TODAY, tick=False):
        found = rows(client, school_url)
        assert value(found, "Incidents by risk area (the 4 Cs)", "Contact") == "fewer than 5"
        found = rows(client, url)
        # The trust's count shows only where each school's does.
        assert value(found, "Incidents by risk area (the 4 Cs)", "Contact") == "hidden"
        assert value(found, "Headline", "Incidents") == "4"  # the trust's total: shown
        page = client.get(reverse("governance-trust", args=[p.school.trust_id])).content.decode()
        assert "fewer than 5" in page and "hidden" in page

        sign_in(client, p.chair)
        response = client.post(
            reverse("governance-settings", args=[p.school.trust_id]), {"small_counts_under": "0"}
        )
        assert response.status_code == 302
        settings = GovernanceSettings.objects.get(trust=p.school.trust)
        assert settings.small_counts_under == 0 and settings.changed_by == p.chair
        assert settings.history.first().history_user == p.chair

        sign_in(client, p.trustee)
        found = rows(client, url)
        assert value(found, "Incidents by risk area (the 4 Cs)", "Contact") == "2"
        assert value(found, "Incidents by kind (the ten most common)", "Cyberbullying") == "2"


def test_the_schools_own_leads_always_see_exact_numbers(seeded, client):
    p = seeded
    sign_in(client, p.esafety_officer)
    with time_machine.travel(TODAY, tick=False):
        found = rows(client, reverse("governance-school-csv", args=[p.school.slug]))
    assert value(found, "Incidents by risk area (the 4 Cs)", "Content") == "1"


def test_a_concern_about_the_headteacher_is_counted_only_for_the_chair(seeded, client):
    p = seeded
    with time_machine.travel(TODAY, tick=False):
        for who in ("trustee", "headteacher", "esafety_officer"):
            sign_in(client, getattr(p, who))
            url = (
                reverse("governance-trust-csv", args=[p.school.trust_id])
                if who == "trustee"
                else reverse("governance-school-csv", args=[p.school.slug])
            )
            assert not [r for r in rows(client, url) if r["Item"] == "Concerns about staff"], who
            page_url = url.replace("figures.csv", "")
            assert "Concerns about staff (chair" not in client.get(page_url).content.decode()
        sign_in(client, p.chair)
        found = rows(client, reverse("governance-trust-csv", args=[p.school.trust_id]))
        assert value(found, "Chair only", "Concerns about staff") == "2"  # E (staff), F (head)
        page = client.get(reverse("governance-trust", args=[p.school.trust_id])).content.decode()
        assert "Concerns about staff (chair of trustees only)" in page


def test_periods_pick_the_months(seeded, client):
    p = seeded
    sign_in(client, p.headteacher)
    url = reverse("governance-school-csv", args=[p.school.slug])
    with time_machine.travel(TODAY, tick=False):
        last_year = rows(client, url + "?period=last_year")  # Sep 2025 to Aug 2026
        assert value(last_year, "Headline", "Incidents") == "1"  # G
        custom = rows(client, url + "?period=custom&from=2026-11&to=2026-11")
        assert value(custom, "Headline", "Incidents") == "2"  # C, D
        page = url.replace("figures.csv", "")
        wrong = client.get(page + "?period=custom&from=2026-11&to=2020-01")
        assert "Choose months between" in wrong.content.decode()
        assert wrong.status_code == 200


def test_the_trustee_picks_a_school_and_the_other_trusts_ids_are_404(seeded, client):
    p = seeded
    sign_in(client, p.trustee)
    base = reverse("governance-trust", args=[p.school.trust_id])
    with time_machine.travel(TODAY, tick=False):
        page = client.get(f"{base}?school={p.school.slug}&period=year")
        assert page.status_code == 200
        assert "Online safety at Oakwood Primary" in page.content.decode()
        assert client.get(f"{base}?school=nowhere").status_code == 404
    elsewhere = SchoolFactory(trust=TrustFactory(name="Another Trust"), slug="faraway")
    trustee(elsewhere.trust)
    for url in (
        reverse("governance-trust", args=[elsewhere.trust_id]),
        reverse("governance-trust-csv", args=[elsewhere.trust_id]),
        reverse("governance-settings", args=[elsewhere.trust_id]),
        reverse("governance-school", args=[elsewhere.slug]),
        reverse("governance-school-csv", args=[elsewhere.slug]),
    ):
        for who in (p.trustee, p.chair, p.headteacher):
            sign_in(client, who)
            assert client.get(url).status_code == 404, (who, url)


def test_a_trust_leads_dashboard_lists_every_school_side_by_side(seeded, client):
    p = seeded
    sign_in(client, p.chair)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("governance-trust", args=[p.school.trust_id]))
    text = page.content.decode()
    assert "The schools side by side" in text
    assert "Oakwood Primary" in text and "Elmridge Primary" in text
    assert text.count("Show the numbers") >= 8  # every chart has its table
    assert 'src="data:image/svg+xml;base64,' in text and "<script" not in text.split("<main")[1]


def test_a_lead_goes_from_the_overdue_count_to_the_list(seeded, client):
    p = seeded
    sign_in(client, p.esafety_officer)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("governance-school", args=[p.school.slug])).content.decode()
        link = reverse("governance-overdue-actions", args=[p.school.slug])
        assert link in page
        listed = client.get(link).content.decode()
    assert listed.count("Follow up") == 1  # D's; not the staff concern's, not the done one


def test_a_member_of_staff_has_no_dashboard(personas, client):
    outsider = person(personas.school, Role.STAFF)
    sign_in(client, outsider)
    assert client.get(reverse("governance-home")).status_code == 403


def test_a_trustee_on_a_schools_page_can_pick_another_school(seeded, client):
    p = seeded
    sign_in(client, p.trustee)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("governance-school", args=[p.school.slug])).content.decode()
    trust_page = reverse("governance-trust", args=[p.school.trust_id])
    assert f'action="{trust_page}"' in page
    assert '<option value="elmridge">Elmridge Primary</option>' in page


def test_the_dashboard_lists_five_high_risks_a_school_and_counts_the_rest(personas, client):
    from risks.tests.factories import make_risk

    p = personas
    for n in range(7):
        make_risk(p.school, p.esafety_officer, likelihood=3, impact=3, title=f"High risk {n}")
    sign_in(client, p.chair)
    page = client.get(reverse("governance-trust", args=[p.school.trust_id])).content.decode()
    assert sum(f"High risk {n}</" in page or f"High risk {n}:" in page for n in range(7)) == 5
    assert "And 2 more open HIGH risks" in page


def test_the_overdue_list_names_each_incident_by_its_reference(personas, client):
    p = personas
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    def overdue(text):
        incident = report(p.school, p.teacher)
        TimelineEntry.objects.create(
            incident=incident,
            kind=ActionKind.ACTION,
            text=text,
            owner=p.esafety_officer,
            due_on=yesterday,
        )
        return incident

    def listed():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("governance-overdue-actions", args=[p.school.slug]))
        assert page.status_code == 200
        return page.content.decode(), len(queries)

    first = overdue("Call the parents")
    sign_in(client, p.esafety_officer)
    page, one = listed()
    assert f"<td>{first.reference}</td>" in page and not shown_bare(page, first)
    more = [overdue("Check the class chat"), overdue("Talk to the class")]
    page, three = listed()
    for incident in (first, *more):
        assert f"<td>{incident.reference}</td>" in page and not shown_bare(page, incident)
    assert three == one  # the schools' letters come with the actions, not one query a row
