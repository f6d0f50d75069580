"""Registers that scale with the school: the internet-access register and one channel's
consent register in pages, and the printable register of a large school one class or role
per page."""

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements import services, views_registers
from agreements.tests.test_registers import THIS_YEAR, YES, aup, world  # noqa: F401  (fixtures)
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def test_the_internet_register_comes_in_pages_with_the_whole_schools_count(
    personas,
    client,
    aup,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(views_registers, "ROWS_PER_PAGE", 2)
    sign_in(client, personas.technician)
    url = "/schools/oakwood/agreements/internet-access/"
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    # Four staff must sign; three have not, whichever page is shown.
    assert "(4)</caption>" in first and "Page 1 of 2" in first
    assert "<strong>3</strong> people have not signed" in second
    names = ["Hana Head", "Eddie Officer", "Tess Technician", "Terry Teacher"]
    assert sorted(n for n in names if n in first + second) == sorted(names)
    assert sum(n in first for n in names) == 2
    only_signed = client.get(url, {"access": "yes"}).content.decode()
    assert "Terry Teacher" in only_signed and "(1)</caption>" in only_signed


def test_a_large_schools_printable_register_prints_a_class_per_page(
    personas,
    world,  # noqa: F811
    client,
    monkeypatch,
):
    monkeypatch.setattr(views_registers, "PRINT_WHOLE_SCHOOL_UP_TO", 2)
    sign_in(client, personas.esafety_officer)
    url = f"/schools/oakwood/agreements/registers/{world['parent'].pk}/print/"
    with time_machine.travel(THIS_YEAR, tick=False):
        first = client.get(url).content.decode()
        second = client.get(url, {"page": 2}).content.decode()
        chosen = client.get(url, {"group": "5B"}).content.decode()
    assert "Poppy Pupil" in first and "Dan Daniels" in first and "Eve Evans" not in first
    assert "Eve Evans" in second and "Poppy Pupil" not in second
    assert "Page 1 of 2" in first
    # The whole school's figures are on every page.
    assert "Whole school: 1 of 3 signed (33%)" in second
    assert "Eve Evans" in chosen and "Page 1 of" not in chosen


def test_the_register_pages_and_filters_with_the_counts_of_what_is_shown(
    personas,
    world,  # noqa: F811
    client,
    monkeypatch,
):
    """One person a page: each page shows the next person in register order (class, then
    name), and a filter's count is the number of people it matches, not the school's."""
    monkeypatch.setattr(views_registers, "ROWS_PER_PAGE", 1)
    sign_in(client, personas.esafety_officer)
    url = f"/schools/oakwood/agreements/registers/{world['parent'].pk}/"
    with time_machine.travel(THIS_YEAR, tick=False):
        pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2, 3)]
        class_5a = client.get(url, {"group": "5A"}).content.decode()
        expired_5a = client.get(url, {"group": "5A", "status": "expired"}).content.decode()
        signed_5b = client.get(url, {"group": "5B", "status": "signed"}).content.decode()
    names = ["Dan Daniels", "Poppy Pupil", "Eve Evans"]  # 5A by name, then 5B
    assert [[n for n in names if n in page] for page in pages] == [[n] for n in names]
    assert "<caption>3 people</caption>" in pages[2] and "Page 3 of 3" in pages[2]
    assert "<caption>2 people</caption>" in class_5a
    assert "<caption>1 person</caption>" in expired_5a and "Dan Daniels" in expired_5a
    assert "<caption>0 people</caption>" in signed_5b and "Nobody to show." in signed_5b


def test_trustees_come_after_the_school_in_the_register_pages(personas, client, monkeypatch):
    from agreements import services
    from agreements.models import Document, Kind
    from agreements.tests.factories import published

    document = Document.objects.create(
        school=personas.school,
        kind=Kind.TRUSTEE_AUP,
        title="Trustee AUP",
        audience_roles=["trustee", "headteacher"],
    )
    version = published(document, personas.headteacher)
    chair = personas.chair
    services.sign(version=version, signer=chair, subject=chair, typed_name=chair.full_name)
    monkeypatch.setattr(views_registers, "ROWS_PER_PAGE", 2)
    sign_in(client, personas.esafety_officer)
    url = f"/schools/oakwood/agreements/registers/{document.pk}/"
    first, second = (client.get(url, {"page": n}).content.decode() for n in (1, 2))
    outstanding = client.get(url, {"status": "outstanding"}).content.decode()
    trustees_signed = client.get(url, {"group": "Trustees", "status": "signed"}).content.decode()
    assert "Hana Head" in first and "Charles Chair" in first and "Tara Trustee" not in first
    assert "Tara Trustee" in second and "Hana Head" not in second
    assert "<caption>2 people</caption>" in outstanding
    assert "Hana Head" in outstanding and "Tara Trustee" in outstanding
    assert "Charles Chair" in trustees_signed and "<caption>1 person</caption>" in trustees_signed


def test_parents_who_sign_once_are_the_parents_of_this_schools_pupils(personas, world):  # noqa: F811
    """A document parents sign once (not for each child): each parent member with a child
    at this school, once however many children; not a parent whose only child is at
    another school of the trust."""
    from agreements import registers
    from agreements.audience import audience_pairs
    from agreements.models import Document, Kind
    from agreements.tests.factories import published
    from esafety.models import Membership, ParentLink, Role
    from esafety.testing import person

    p = personas
    second_child = person(p.school, Role.PUPIL, name="Sam Second", year_group=5)
    ParentLink.objects.create(parent=p.parent, child=second_child, relationship="mother")
    elsewhere = person(p.other_school, Role.PUPIL, name="Olly Other", year_group=5)
    parent_elsewhere = person(p.school, Role.PARENT, name="Paula Elsewhere")
    ParentLink.objects.create(parent=parent_elsewhere, child=elsewhere, relationship="mother")
    Membership.objects.filter(user=world["eve"]).delete()  # Eve left: Ed no longer signs
    document = Document.objects.create(
        school=p.school,
        kind=Kind.OTHER,
        title="Parents' code of conduct",
        audience_roles=["parent"],
        parents_sign_for_each_child=False,
    )
    published(document, p.headteacher)
    with time_machine.travel(THIS_YEAR, tick=False):
        register = registers.register_for(document)
        asked = {subject for _, subject in audience_pairs(document, THIS_YEAR.date())}
    names = sorted(row.name for row in register.rows)
    assert names == ["Dora Daniels", "Pat Parent"]
    assert {row.subject_id for row in register.rows} == asked
    assert register.total.audience == 2


def test_one_channels_consent_register_pages_both_lists_with_the_whole_schools_counts(
    personas,
    world,  # noqa: F811
    client,
    monkeypatch,
):
    """Who may appear on the school's newspaper photos, for the whole school: each list in
    pages of its own (one pupil a page here), its count the whole school's, and the CSV
    still every pupil."""
    monkeypatch.setattr(views_registers, "ROWS_PER_PAGE", 1)
    sign_in(client, personas.esafety_officer)
    url = "/schools/oakwood/agreements/consent/"
    with time_machine.travel(THIS_YEAR, tick=False):
        first = client.get(url, {"channel": "newspaper"}).content.decode()
        second = client.get(url, {"channel": "newspaper", "not_allowed_page": 2}).content.decode()
        website = client.get(url, {"channel": "website", "not_allowed_page": 2}).content.decode()
        data = client.get(url + "csv/").content.decode("utf-8-sig")
    may, must_not = first.split("Must not appear (")
    # Poppy said yes this year; Dan's yes was last year's and Eve never answered.
    assert "May appear (1)" in may and "Poppy Pupil" in may
    assert must_not.startswith("2)") and "Dan Daniels" in must_not and "Eve Evans" not in first
    assert "Page 1 of 2" in must_not and "channel=newspaper&amp;not_allowed_page=2" in must_not
    may, must_not = second.split("Must not appear (")
    assert "Poppy Pupil" in may  # the other list stays on its own page
    assert "Eve Evans" in must_not and "Dan Daniels" not in second
    assert "no answer this year" in must_not
    # Poppy withdrew the website this year: a no, not a missing answer (Dan, Poppy, Eve).
    must_not = website.split("Must not appear (")[1]
    assert must_not.startswith("3)") and "Poppy Pupil" in must_not
    assert "no answer this year" not in must_not
    rows = list(csv.reader(io.StringIO(data)))
    assert sorted(row[0] for row in rows[1:]) == ["Dan Daniels", "Eve Evans", "Poppy Pupil"]


def test_a_kept_page_of_the_register_shows_a_new_signature_on_the_next_visit(
    personas,
    client,
    aup,  # noqa: F811
):
    # Each page of rows is kept while the school's coverage figures are fresh: a signature
    # makes them stale, so the next visit reads the rows again.
    sign_in(client, personas.esafety_officer)
    url = f"/schools/oakwood/agreements/registers/{aup.pk}/"
    signed_only = {"status": "signed"}
    assert "Eddie Officer" not in client.get(url, signed_only).content.decode()
    with CaptureQueriesContext(connection) as again:
        client.get(url, signed_only)
    # Kept: the school's counts and the page of rows (each person's status, an EXISTS over
    # their signatures) are not read again; only the shown rows' last signature dates.
    assert not [q for q in again.captured_queries if "EXISTS(" in q["sql"]]
    services.sign(
        version=aup.current_version(),
        signer=personas.esafety_officer,
        subject=personas.esafety_officer,
        typed_name="Eddie Officer",
    )
    assert "Eddie Officer" in client.get(url, signed_only).content.decode()


def test_a_kept_page_of_a_consent_list_shows_a_new_answer_on_the_next_visit(
    personas,
    world,  # noqa: F811
    client,
):
    sign_in(client, personas.esafety_officer)
    url = "/schools/oakwood/agreements/consent/"
    eve = world["eve"]
    with time_machine.travel(THIS_YEAR, tick=False):
        before = client.get(url, {"channel": "newspaper"}).content.decode()
        services.sign(
            version=world["parent"].current_version(),
            signer=eve.parent_links.get().parent,
            subject=eve,
            typed_name="Ed Evans",
            consents=YES,
        )
        after = client.get(url, {"channel": "newspaper"}).content.decode()
    assert "Eve Evans" in before.split("Must not appear (")[1]
    assert "Eve Evans" in after.split("Must not appear (")[0]


def test_each_status_and_group_keeps_its_own_pages(personas, client, aup, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views_registers, "ROWS_PER_PAGE", 1)
    sign_in(client, personas.esafety_officer)
    url = f"/schools/oakwood/agreements/registers/{aup.pk}/"

    def first_row(**query):
        page = client.get(url, query).content.decode()
        return [n for n in ("Terry Teacher", "Hana Head", "Eddie Officer") if n in page]

    assert first_row(status="signed") == ["Terry Teacher"]
    outstanding = first_row(status="outstanding")
    assert len(outstanding) == 1 and outstanding != ["Terry Teacher"]
    assert first_row(status="signed") == ["Terry Teacher"]
