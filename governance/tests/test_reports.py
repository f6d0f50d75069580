"""The termly report: drafted with last term's text offered, signed once and frozen (its
SHA-256 kept, tampering detected), trustees told and each marks it read once; the
reminder three weeks before the term ends; no names anywhere a trustee looks."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esafety.models import Notification, Role, SweepAction
from esafety.sweeps import run_sweeps
from esafety.testing import SchoolFactory, TrustFactory, person, sign_in, trustee
from esafety.tests.test_trustee_names import (
    names_in,
    response_text,
    searched_names,
    seed_named_records,
)
from governance import services
from governance.models import ReportRead, TermlyReport
from governance.pdf import render_signed
from governance.terms import REMIND_BEFORE_END, Term, term_on

from .data import LONDON, TODAY, seed_incidents

pytestmark = pytest.mark.django_db
AUTUMN = Term(2026, "autumn")


def signed(p, narrative="A calm term."):
    report = services.start_report(
        trust=p.school.trust, school=p.school, term=AUTUMN, by=p.headteacher
    )
    services.save_narrative(report=report, by=p.headteacher, narrative=narrative)
    return services.sign_report(report=report, by=p.headteacher, render=render_signed)


def test_last_terms_text_is_offered_and_the_signed_report_is_frozen(personas, client):
    p = personas
    last = services.start_report(
        trust=p.school.trust, school=p.school, term=AUTUMN.previous, by=p.headteacher
    )
    services.save_narrative(report=last, by=p.headteacher, narrative="Summer was quiet.")
    with time_machine.travel(TODAY, tick=False):
        services.sign_report(report=last, by=p.headteacher, render=render_signed)
        report = services.start_report(
            trust=p.school.trust, school=p.school, term=AUTUMN, by=p.headteacher
        )
        assert report.narrative == "Summer was quiet."
        assert (
            services.start_report(
                trust=p.school.trust, school=p.school, term=AUTUMN, by=p.headteacher
            )
            == report
        )  # a second start opens the same report

        sign_in(client, p.headteacher)
        url = reverse("governance-report", args=[report.pk])
        client.post(url, {"narrative": "Autumn: two group-chat incidents, both resolved."})
        client.post(reverse("governance-report-sign", args=[report.pk]))
        report.refresh_from_db()
        assert report.is_signed and report.signed_by == p.headteacher
        assert report.pdf_sha256 == hashlib.sha256(bytes(report.pdf)).hexdigest()
        assert report.snapshot["incidents"]["value"] == "0"
        frozen = bytes(report.pdf)

        # A second click, or an edit afterwards, changes nothing.
        client.post(reverse("governance-report-sign", args=[report.pk]))
        assert client.post(url, {"narrative": "Changed."}).status_code == 403
        report.refresh_from_db()
        assert bytes(report.pdf) == frozen and report.narrative.startswith("Autumn")

        pdf = client.get(reverse("governance-report-pdf", args=[report.pk]))
        assert pdf.status_code == 200 and pdf.content == frozen
        text = response_text(pdf)
        assert "Autumn: two group-chat incidents" in text
        assert "what changed since last term" in text.lower()

    # Each trustee is told, with no name but the school's.
    told = Notification.objects.filter(link=url)
    assert {n.recipient for n in told} == {p.trustee, p.chair}
    assert all("Oakwood Primary" in n.title for n in told)


def test_a_tampered_report_is_refused(personas, client):
    p = personas
    report = signed(p)
    TermlyReport.objects.filter(pk=report.pk).update(pdf=bytes(report.pdf) + b"% edited")
    sign_in(client, p.trustee)
    response = client.get(reverse("governance-report-pdf", args=[report.pk]))
    assert response.status_code == 409
    assert "no longer matches" in response.content.decode()


def test_a_trustee_marks_the_report_read_once(personas, client):
    p = personas
    report = signed(p)
    sign_in(client, p.trustee)
    for _ in range(2):
        response = client.post(reverse("governance-report-read", args=[report.pk]))
        assert response.status_code == 302
    assert ReportRead.objects.filter(report=report, reader=p.trustee).count() == 1
    page = client.get(reverse("governance-report", args=[report.pk])).content.decode()
    assert "You marked this report as read." in page
    sign_in(client, p.headteacher)  # the head wrote it: nothing to mark
    response = client.post(reverse("governance-report-read", args=[report.pk]))
    assert response.status_code == 403


def test_the_headteacher_is_reminded_three_weeks_before_the_term_ends_once(personas):
    p = personas
    ends = AUTUMN.ends
    assert ends == datetime.date(2026, 12, 18)  # the Friday on or before 19 December
    early = datetime.datetime.combine(ends - REMIND_BEFORE_END, datetime.time(7), LONDON)
    with time_machine.travel(early - datetime.timedelta(days=1), tick=False):
        run_sweeps()
    assert not Notification.objects.filter(recipient=p.headteacher).exists()
    with time_machine.travel(early, tick=False):
        run_sweeps()
        run_sweeps()
    reminders = Notification.objects.filter(recipient=p.headteacher, title__contains="termly")
    assert reminders.count() == 1
    assert "18 December 2026" in reminders.get().title
    other_head = Notification.objects.filter(recipient=p.other_school_headteacher)
    assert other_head.count() == 1
    assert SweepAction.objects.filter(job="governance.report_reminder").count() == 2


def test_no_reminder_once_the_report_is_signed(personas):
    p = personas
    signed(p)
    with time_machine.travel(
        datetime.datetime.combine(AUTUMN.ends, datetime.time(7), LONDON), tick=False
    ):
        run_sweeps()
    assert not Notification.objects.filter(
        recipient=p.headteacher, title__contains="termly"
    ).exists()


def test_the_spring_term_ends_before_good_friday():
    assert Term(2026, "spring").ends == datetime.date(2027, 3, 25)  # Good Friday: 26 March
    assert term_on(datetime.date(2027, 5, 4)) == Term(2026, "summer")


def test_no_name_on_any_governance_page_pdf_or_csv_a_trustee_reads(personas, client):
    p = personas
    seed_named_records(p)
    report = signed(p)
    trust_id = p.school.trust_id
    urls = [
        reverse("governance-trust", args=[trust_id]),
        reverse("governance-trust", args=[trust_id]) + f"?school={p.school.slug}&period=year",
        reverse("governance-trust-csv", args=[trust_id]),
        reverse("governance-school", args=[p.school.slug]),
        reverse("governance-school-csv", args=[p.school.slug]),
        reverse("governance-reports"),
        reverse("governance-report", args=[report.pk]),
        reverse("governance-report-pdf", args=[report.pk]),
        reverse("governance-definitions"),
        reverse("governance-settings", args=[trust_id]),
    ]
    names = searched_names()
    kinds = set()
    for who in (p.trustee, p.chair):
        sign_in(client, who)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                assert who == p.trustee and "settings" in url
                continue
            kinds.add(response["Content-Type"].split(";")[0])
            assert not names_in(response_text(response), names), (who, url)
        for note in Notification.objects.filter(recipient=who, link__startswith="/governance/"):
            assert not names_in(f"{note.title} {note.body}", names)
    assert kinds == {"text/html", "text/csv", "application/pdf"}


def make_trust(schools: int):
    trust = TrustFactory()
    made = [SchoolFactory(trust=trust) for _ in range(schools)]
    for school in made:
        person(school, Role.HEADTEACHER)
        teacher = person(school, Role.STAFF)
        person(school, Role.PUPIL)
        from .data import incident

        for n in range(3):
            incident(school, teacher, n + 1, TODAY - datetime.timedelta(days=10 * n))
    return trust, trustee(trust, chair=True)


def dashboard_queries(client, trust, chair, *, warm: bool) -> int:
    sign_in(client, chair)
    url = reverse("governance-trust", args=[trust.pk])
    cache.clear()
    if warm:
        assert client.get(url).status_code == 200
    else:  # nothing kept anywhere: the charts' drawings kept in the database go too
        from esafety.models import ChartDrawing

        ChartDrawing.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_dashboards_query_count_is_the_same_for_a_small_and_a_large_trust(client):
    with time_machine.travel(TODAY, tick=False):
        small = make_trust(2)
        large = make_trust(8)
        warm_small = dashboard_queries(client, *small, warm=True)
        warm_large = dashboard_queries(client, *large, warm=True)
    assert warm_small == warm_large
    assert (
        warm_small <= 16
    )  # sign-in, roles, menu and the page's own rows; every figure comes from the cache


def test_figures_do_not_grow_with_the_incidents(personas, client):
    p = personas
    with time_machine.travel(TODAY, tick=False):
        seed_incidents(p)
        few = dashboard_queries(client, p.school.trust, p.chair, warm=False)
        from .data import at, incident

        for n in range(40):
            incident(p.school, p.teacher, 100 + n, at(2026, 9, 1 + n % 28), acked=at(2026, 10, 1))
        many = dashboard_queries(client, p.school.trust, p.chair, warm=False)
    assert few == many


def test_trustees_see_a_report_only_once_the_head_has_signed_it(personas, client):
    p = personas
    draft = services.start_report(
        trust=p.school.trust, school=p.school, term=AUTUMN, by=p.headteacher
    )
    services.save_narrative(report=draft, by=p.headteacher, narrative="Half written.")
    urls = [
        reverse("governance-report", args=[draft.pk]),
        reverse("governance-report-pdf", args=[draft.pk]),
    ]
    for who in (p.trustee, p.chair):
        sign_in(client, who)
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        listed = client.get(reverse("governance-reports")).content.decode()
        assert reverse("governance-report", args=[draft.pk]) not in listed
    sign_in(client, p.headteacher)  # the writer still opens the draft
    assert all(client.get(url).status_code == 200 for url in urls)

    services.sign_report(report=draft, by=p.headteacher, render=render_signed)
    for who in (p.trustee, p.chair):
        sign_in(client, who)
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
        listed = client.get(reverse("governance-reports")).content.decode()
        assert reverse("governance-report", args=[draft.pk]) in listed


def test_the_chair_alone_opens_the_trusts_draft(personas, client):
    p = personas
    draft = services.start_report(trust=p.school.trust, school=None, term=AUTUMN, by=p.chair)
    url = reverse("governance-report", args=[draft.pk])
    sign_in(client, p.chair)
    assert client.get(url).status_code == 200
    sign_in(client, p.trustee)
    assert client.get(url).status_code == 404


def test_signing_before_saving_the_draft_keeps_the_text_shown(personas, client):
    p = personas
    report = services.start_report(
        trust=p.school.trust, school=p.school, term=AUTUMN, by=p.headteacher
    )
    sign_in(client, p.headteacher)
    page = client.get(reverse("governance-report", args=[report.pk])).content.decode()
    sign = reverse("governance-report-sign", args=[report.pk])
    # The sign button submits the narrative's form (to the sign address).
    assert f'formaction="{sign}"' in page and 'name="narrative"' in page
    text = "Typed and signed straight away: two incidents, both resolved."
    response = client.post(sign, {"narrative": text})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_signed and report.narrative == text
    assert text in response_text(client.get(reverse("governance-report-pdf", args=[report.pk])))


def test_signing_with_text_too_long_is_a_form_error_not_a_signature(personas, client):
    p = personas
    report = services.start_report(
        trust=p.school.trust, school=p.school, term=AUTUMN, by=p.headteacher
    )
    sign_in(client, p.headteacher)
    response = client.post(
        reverse("governance-report-sign", args=[report.pk]), {"narrative": "x" * 8001}
    )
    assert response.status_code == 400
    assert "Keep it under 8,000 characters" in response.content.decode()
    report.refresh_from_db()
    assert not report.is_signed
