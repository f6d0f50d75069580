"""Everything about a person: one search across every app, never showing the searcher
what they may not see; the officer's decisions; the disclosure PDF (tested by its text);
and the query counts of the register's pages at two sizes."""

import datetime
import io
import os
import pathlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from esafety.models_subject_access import RequesterKind, SubjectAccessItem
from esafety.subject_access import services
from esafety.subject_access.holdings import everything_about, records_by_ref
from esafety.testing import sign_in
from incidents.models import Part, PersonKind, Subject
from incidents.tests.factories import report


def request_about(p, subject, **fields):
    values = {
        "school": p.school,
        "by": p.esafety_officer,
        "subject": subject,
        "requester_kind": RequesterKind.STAFF,
        "requester_name": str(subject),
        "requester_contact": "someone@example.org",
        "received_on": timezone.localdate() - timedelta(days=1),
        "received_how": "email",
    }
    values.update(fields)
    return services.record_request(**values)


def involving(p, who, part=Part.TARGET, kind=PersonKind.PUPIL, **fields):
    entry = {"person": who, "name": "", "kind": kind, "part": part}
    return report(p.school, p.teacher, people=[entry], **fields)


def about_the_head(p):
    """A concern about the headteacher: hidden from the headteacher."""
    return involving(
        p,
        p.headteacher,
        Part.ALLEGED,
        PersonKind.STAFF,
        subject=Subject.HEADTEACHER,
        description="A concern about the headteacher's messages to a pupil.",
    )


def refs(found):
    return set(records_by_ref(found))


def test_the_search_never_shows_the_headteacher_a_concern_about_them(personas):
    p = personas
    concern = about_the_head(p)
    as_officer = everything_about(p.headteacher, searcher=p.esafety_officer, school=p.school)
    as_head = everything_about(p.headteacher, searcher=p.headteacher, school=p.school)
    assert f"incidents:incident:{concern.pk}" in refs(as_officer)
    assert f"incidents:incident:{concern.pk}" not in refs(as_head)
    assert refs(as_head) == set()


def test_the_headteacher_sees_no_trace_of_it_on_the_request(client, personas):
    """The head asked for their own records; the officer searched and decided. The head
    may open the register, but the concern is not listed, counted or in the PDF."""
    p = personas
    concern = about_the_head(p)
    sar = request_about(p, p.headteacher, requester_name="Hana Head")
    found = everything_about(p.headteacher, searcher=p.esafety_officer, school=p.school)
    services.record_search(sar=sar, by=p.esafety_officer, found=found, withheld={})
    assert sar.items.get().ref == f"incidents:incident:{concern.pk}"

    sign_in(client, p.headteacher)
    for name in ("sar-detail", "sar-search"):
        page = client.get(reverse(name, args=[p.school.slug, sar.pk])).content.decode()
        assert concern.reference not in page
        assert "0 to disclose" not in page and "1 to disclose" not in page
    pdf = client.get(reverse("sar-pdf", args=[p.school.slug, sar.pk]))
    text = pdf_text(pdf.content)
    assert concern.reference not in text and "messages to a pupil" not in text

    client.logout()
    sign_in(client, p.esafety_officer)
    text = pdf_text(client.get(reverse("sar-pdf", args=[p.school.slug, sar.pk])).content)
    assert concern.reference in text and "messages to a pupil" in text


def test_someone_without_the_register_finds_nothing_even_their_own_reports(personas):
    p = personas
    involving(p, p.pupil)  # reported by the teacher, who may see it in the incident log
    assert everything_about(p.pupil, searcher=p.teacher, school=p.school) == []
    assert everything_about(p.pupil, searcher=p.chair, school=p.school) == []


def test_every_app_lists_what_it_holds_and_nothing_of_another_school(personas):
    from agreements import services as agreements
    from agreements.tests.permissions_sign import ANSWERS, parent_document
    from devices.tests.factories import lend

    p = personas
    incident = involving(p, p.pupil)
    signature = agreements.sign(
        version=parent_document(p),
        signer=p.parent,
        subject=p.pupil,
        typed_name="Pat Parent",
        consents=ANSWERS,
    )
    loan = lend(p)
    elsewhere = report(p.other_school, p.other_school_headteacher)
    found = everything_about(p.pupil, searcher=p.esafety_officer, school=p.school)
    assert {group.holding.name for group in found} >= {
        "incidents",
        "agreements",
        "devices",
        "training",
    }
    assert {
        f"incidents:incident:{incident.pk}",
        "incidents:chronology",
        f"agreements:signature:{signature.pk}",
        f"devices:loan:{loan.pk}",
    } <= refs(found)
    assert f"incidents:incident:{elsewhere.pk}" not in refs(found)
    # The parent's side: they signed it, so it is theirs too.
    as_parent = everything_about(p.parent, searcher=p.esafety_officer, school=p.school)
    assert refs(as_parent) == {f"agreements:signature:{signature.pk}"}


# --- deciding, and the PDF -------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_withheld_needs_a_reason_and_is_left_out_of_the_pdf(client, personas):
    p = personas
    shown = involving(p, p.pupil, description="Poppy was sent an unkind message.")
    kept = involving(p, p.pupil, description="Poppy's friend shared a rumour.")
    sar = request_about(p, p.pupil, requester_kind=RequesterKind.PUPIL)
    sign_in(client, p.esafety_officer)
    url = reverse("sar-search", args=[p.school.slug, sar.pk])
    kept_ref = f"incidents:incident:{kept.pk}"
    response = client.post(url, {"withhold": [kept_ref]})
    assert response.status_code == 400
    assert "Say why each withheld record is withheld" in response.content.decode()
    assert not SubjectAccessItem.objects.exists()

    response = client.post(url, {"withhold": ["incidents:incident:999999"]})
    assert response.status_code == 400
    assert "Search again" in response.content.decode()

    response = client.post(
        url,
        {
            "withhold": [kept_ref],
            f"reason:{kept_ref}": "Mostly about another pupil",
            "withheld_summary": "One incident report, mostly about another pupil.",
        },
    )
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.searched_by == p.esafety_officer
    assert "Incidents" in sar.searched_summary and "found" not in sar.searched_summary
    item = sar.items.get(ref=kept_ref)
    assert (item.disclose, item.withheld_reason) == (False, "Mostly about another pupil")

    page = client.get(reverse("sar-detail", args=[p.school.slug, sar.pk])).content.decode()
    assert "2 to disclose, 1 withheld." in page  # the chronology and one incident
    assert "Mostly about another pupil" in page

    response = client.get(reverse("sar-pdf", args=[p.school.slug, sar.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert f"Subject access request {sar.reference}" in text
    assert "Poppy was sent an unkind message." in text and shown.reference in text
    assert "shared a rumour" not in text and kept.reference not in text
    assert "Check every page for other people's information" in text
    if os.environ.get("SCREENSHOT_DIR"):
        folder = pathlib.Path(os.environ["SCREENSHOT_DIR"])
        (folder / "subject-access-disclosure.pdf").write_bytes(response.content)


def test_deciding_again_replaces_the_decision(client, personas):
    p = personas
    incident = involving(p, p.pupil)
    ref = f"incidents:incident:{incident.pk}"
    sar = request_about(p, p.pupil, requester_kind=RequesterKind.PUPIL)
    sign_in(client, p.esafety_officer)
    url = reverse("sar-search", args=[p.school.slug, sar.pk])
    client.post(url, {"withhold": [ref], f"reason:{ref}": "Police asked us to wait"})
    client.post(url, {})
    item = SubjectAccessItem.objects.get(ref=ref)
    assert (item.disclose, item.withheld_reason) == (True, "")
    assert item.history.count() == 2


# --- query counts ------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(p, count, start):
    from esafety.testing import person

    for n in range(start, start + count):
        pupil = person(p.school, "pupil", name=f"Pupil {n}")
        request_about(p, pupil, requester_kind=RequesterKind.PUPIL)
        involving(p, p.pupil)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("sar-list", 12), ("sar-detail", 26), ("sar-search", 25), ("sar-add", 11)],
)
def test_query_counts_stay_the_same_at_two_sizes(client, personas, name, expected):
    p = personas
    sar = request_about(p, p.pupil, requester_kind=RequesterKind.PUPIL)
    args = [p.school.slug] if name in ("sar-list", "sar-add") else [p.school.slug, sar.pk]
    url = reverse(name, args=args)
    sign_in(client, p.esafety_officer)
    grow(p, 3, 0)
    client.get(url)  # warm the menu cache
    small = count_queries(client, url)
    grow(p, 27, 3)
    large = count_queries(client, url)
    assert (small, large) == (expected, expected)


def test_a_date_is_shown_for_each_record(personas):
    p = personas
    involving(p, p.pupil, occurred_at=timezone.make_aware(datetime.datetime(2026, 10, 5, 10)))
    found = everything_about(p.pupil, searcher=p.esafety_officer, school=p.school)
    dates = {r.date for g in found for r in g.records}
    assert datetime.date(2026, 10, 5) in dates
