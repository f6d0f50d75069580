"""Registers: coverage equal to a hand count, consent never assumed, withdrawal, the
internet-access register, figures without names for trustees, CSV and the class bundle."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from agreements import register_consent, registers, services
from agreements.audience import audience_pairs
from agreements.models import Document, Kind
from agreements.tests.factories import STAFF, parent_agreement, published
from esafety.models import Membership, ParentLink, Role
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
LAST_YEAR = datetime.datetime(2025, 10, 1, 10, tzinfo=LONDON)
THIS_YEAR = datetime.datetime(2026, 10, 12, 10, tzinfo=LONDON)
YES = dict.fromkeys(["internet", "website", "newspaper", "prospectus", "social_media"], True)


def in_class(user, class_name):
    Membership.objects.filter(user=user, role=Role.PUPIL).update(class_name=class_name)
    return user


def family(school, child_name, class_name, parent_name):
    child = in_class(person(school, Role.PUPIL, name=child_name), class_name)
    parent = person(school, Role.PARENT, name=parent_name)
    ParentLink.objects.create(parent=parent, child=child, relationship="father")
    return child, parent


@pytest.fixture
def world(personas):
    """A staff policy in its second version and a yearly parent agreement, signed in
    every way a register has to tell apart."""
    p = personas
    school = p.school
    second_teacher = person(school, Role.STAFF, name="Sally Second")
    in_class(p.pupil, "5A")
    dan, dan_parent = family(school, "Dan Daniels", "5A", "Dora Daniels")
    eve, _ = family(school, "Eve Evans", "5B", "Ed Evans")
    policy = Document.objects.create(
        school=school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    parent_doc = parent_agreement(school)
    with time_machine.travel(LAST_YEAR, tick=False):
        old_policy = published(policy, p.headteacher, "Version one.")
        services.sign(
            version=old_policy,
            signer=second_teacher,
            subject=second_teacher,
            typed_name="Sally Second",
        )
        agreement = published(parent_doc, p.headteacher)
        services.sign(
            version=agreement,
            signer=dan_parent,
            subject=dan,
            typed_name="Dora Daniels",
            consents=YES,
        )
        services.sign(
            version=agreement,
            signer=p.parent,
            subject=p.pupil,
            typed_name="Pat Parent",
            consents=YES,
        )
    with time_machine.travel(THIS_YEAR, tick=False):
        policy_v2 = published(policy, p.headteacher, "Version two.")
        for signer in (p.teacher, p.headteacher):
            services.sign(
                version=policy_v2, signer=signer, subject=signer, typed_name=signer.full_name
            )
        website_no = YES | {"website": False}
        services.sign(
            version=agreement,
            signer=p.parent,
            subject=p.pupil,
            typed_name="Pat Parent",
            consents=website_no,
        )
    return {"policy": policy, "parent": parent_doc, "dan": dan, "eve": eve, "sally": second_teacher}


@pytest.fixture
def aup(personas):
    """A staff AUP that gives internet access, in its second version: the teacher signed
    it, the technician only the first version."""
    p = personas
    document = Document.objects.create(
        school=p.school,
        kind=Kind.STAFF_AUP,
        title="Staff AUP",
        audience_roles=STAFF,
        grants_internet_access=True,
    )
    old = published(document, p.headteacher, "Old rules.")
    services.sign(
        version=old, signer=p.technician, subject=p.technician, typed_name="Tess Technician"
    )
    current = published(document, p.headteacher, "New rules.")
    services.sign(version=current, signer=p.teacher, subject=p.teacher, typed_name="Terry Teacher")
    return document


def figures(figures):
    return (figures.audience, figures.signed, figures.outstanding, figures.expired, figures.percent)


def test_coverage_equals_a_hand_count(personas, world):
    policy = registers.register_for(world["policy"], on=THIS_YEAR.date())
    # Head and teacher signed v2; Sally signed only v1; the officer and technician never.
    assert figures(policy.total) == (5, 2, 2, 1, 40)
    status = {row.name: row.status for row in policy.rows}
    assert status == {
        "Hana Head": "signed",
        "Terry Teacher": "signed",
        "Sally Second": "expired",
        "Eddie Officer": "outstanding",
        "Tess Technician": "outstanding",
    }
    parents = registers.register_for(world["parent"], on=THIS_YEAR.date())
    # Per child: Poppy signed this year; Dan only last year (expired); Eve never.
    assert figures(parents.total) == (3, 1, 1, 1, 33)
    groups = {label: figures(f) for label, f in parents.groups}
    assert groups == {"5A": (2, 1, 0, 1, 50), "5B": (1, 0, 1, 0, 0)}
    eve = next(row for row in parents.rows if row.name == "Eve Evans")
    assert eve.asked == "Ed Evans"


@pytest.mark.parametrize("name", ["policy", "parent"])
def test_the_register_counts_the_same_people_the_campaigns_ask(personas, world, name):
    """The register (SQL) and the sign requests (`audience_pairs`) define the audience
    separately: they must agree, and the one-query totals must match the register's."""
    document = world[name]
    on = THIS_YEAR.date()
    full = registers.register_for(document, on=on)
    asked = {subject for _, subject in audience_pairs(document, on)}
    assert {row.subject_id for row in full.rows} == asked
    assert figures(registers.document_figures(document, on)) == figures(full.total)
    assert sum(f.audience for _, f in full.groups) == full.total.audience == len(asked)


def test_trustees_sign_their_own_agreement_once(personas):
    document = Document.objects.create(
        school=personas.school,
        kind=Kind.TRUSTEE_AUP,
        title="Trustee AUP",
        audience_roles=["trustee", "headteacher"],
    )
    version = published(document, personas.headteacher)
    services.sign(
        version=version, signer=personas.chair, subject=personas.chair, typed_name="Charles Chair"
    )
    register = registers.register_for(document)
    status = {(row.name, row.group): row.status for row in register.rows}
    assert status == {
        ("Hana Head", "Headteacher"): "outstanding",
        ("Charles Chair", "Trustees"): "signed",
        ("Tara Trustee", "Trustees"): "outstanding",
    }
    assert figures(registers.document_figures(document, timezone.localdate())) == (3, 1, 2, 0, 33)


def test_register_page_filters_and_downloads(personas, world, client):
    sign_in(client, personas.esafety_officer)
    with time_machine.travel(THIS_YEAR, tick=False):
        url = f"/schools/oakwood/agreements/registers/{world['policy'].pk}/"
        page = client.get(url, {"status": "outstanding"}).content.decode()
        assert "Eddie Officer" in page and "Tess Technician" in page
        assert "Terry Teacher" not in page
        assert "<caption>2 people</caption>" in page
        assert "40%" in page
        bad = client.get(url, {"status": "everyone-ish"})
        assert bad.status_code == 200
        assert "There is a problem" in bad.content.decode()
        rows = list(csv.reader(io.StringIO(client.get(url + "csv/").content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Class or role", "Status", "Last signed", "Asked to sign"]
    assert ["Sally Second", "Teacher", registers.STATUS_LABELS["expired"], "2025-10-01", ""] in rows
    assert len(rows) == 6


def test_consent_is_never_assumed_and_withdrawal_counts(personas, world):
    with time_machine.travel(THIS_YEAR, tick=False):
        rows = {row.name: row for row in register_consent.consent_register(world["parent"])}
    # Poppy: yes to everything last year, then website withdrawn this year.
    assert not rows["Poppy Pupil"].allows("website")
    assert rows["Poppy Pupil"].allows("newspaper")
    # Dan: a yes from last year does not carry over; Eve: never answered.
    for name in ("Dan Daniels", "Eve Evans"):
        assert not rows[name].answered
        assert not any(rows[name].allows(channel) for channel in YES)


def test_consent_register_answers_who_may_appear_in_a_class(personas, world, client):
    sign_in(client, personas.headteacher)
    with time_machine.travel(THIS_YEAR, tick=False):
        url = "/schools/oakwood/agreements/consent/"
        page = client.get(url, {"class_name": "5A", "channel": "newspaper"}).content.decode()
        may, must_not = page.split("Must not appear")
        assert "Poppy Pupil" in may and "Dan Daniels" in must_not
        assert "Eve Evans" not in page  # another class
        assert "first name OR a photograph, never both" in page
        everyone = client.get(url).content.decode()
        assert everyone.count("No answer: not consented") == 2 * 5
        wrong = client.get(url, {"class_name": "9Z", "channel": "billboard"}).content.decode()
        assert "There is a problem" in wrong
        data = client.get(url + "csv/", {"class_name": "5A"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][:3] == ["Pupil", "Class", "Use of the internet at school"]
    assert ["Poppy Pupil", "5A", "Yes", "No", "Yes", "Yes", "Yes"] in rows
    assert ["Dan Daniels", "5A"] + ["No answer (not consented)"] * 5 in rows


def test_internet_register_lists_only_signers_of_the_current_version(personas, client, aup):
    p = personas
    access = {row.name: row.status for _, row in registers.internet_access_rows(p.school)}
    assert access["Terry Teacher"] == "signed"
    assert access["Tess Technician"] == "expired"
    sign_in(client, p.technician)
    data = client.get("/schools/oakwood/agreements/internet-access/csv/").content
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Terry Teacher"][3] == "Yes"
    assert by_name["Tess Technician"][3] == "No: not signed"
    page = client.get("/schools/oakwood/agreements/internet-access/").content.decode()
    assert "<strong>3</strong> people have not signed" in page


def test_trustees_see_figures_but_no_names(personas, world, client):
    sign_in(client, personas.trustee)
    with time_machine.travel(THIS_YEAR, tick=False):
        page = client.get("/agreements/coverage/").content.decode()
        assert "Oakwood Primary" in page and "Elmridge Primary" in page
        assert "40%" in page and "33%" in page
        for name in ("Poppy", "Dan Daniels", "Eve Evans", "Pat Parent", "Sally", "Terry"):
            assert name not in page
        named = client.get(f"/schools/oakwood/agreements/registers/{world['policy'].pk}/")
        assert named.status_code == 403


def test_class_bundle_has_each_childs_signed_form(personas, world, client):
    sign_in(client, personas.esafety_officer)
    with time_machine.travel(THIS_YEAR, tick=False):
        url = f"/schools/oakwood/agreements/registers/{world['parent'].pk}/signed-forms.pdf"
        response = client.get(url, {"class_name": "5A"})
        refused = client.get(url, {"class_name": "../etc"})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Poppy Pupil" in text and "The agreement." in text
    assert "Signed online" in text
    assert world["parent"].current_version().content_hash[:20] in text.replace("\n", "")
    assert "Dan Daniels" not in text  # last year's form does not count now
    assert refused.status_code == 302


def test_printable_register_shows_everyone_by_class(personas, world, client):
    sign_in(client, personas.esafety_officer)
    url = f"/schools/oakwood/agreements/registers/{world['parent'].pk}/print/"
    with time_machine.travel(THIS_YEAR, tick=False):
        page = client.get(url).content.decode()
        one_class = client.get(url, {"group": "5B", "status": "outstanding"}).content.decode()
        unknown = client.get(url, {"group": "9Z"})
    # Every pupil on one page, each class with its own figures, status in words.
    for name in ("Poppy Pupil", "Dan Daniels", "Eve Evans"):
        assert name in page
    assert "1 of 2 signed (50%)" in page and "0 of 1 signed (0%)" in page
    assert "Whole school: 1 of 3 signed (33%), 1 not signed yet, 1 expired." in page
    assert "<strong>Expired</strong>" in page and "Ed Evans" in page
    assert "Eve Evans" in one_class and "Poppy Pupil" not in one_class
    assert "Showing only: not signed yet." in one_class
    assert unknown.status_code == 200
    assert "There is a problem" in unknown.content.decode()


def test_register_page_rejects_an_unknown_class_clearly(personas, world, client):
    sign_in(client, personas.headteacher)
    url = f"/schools/oakwood/agreements/registers/{world['parent'].pk}/"
    with time_machine.travel(THIS_YEAR, tick=False):
        response = client.get(url, {"group": "Year 99"})
        bundle = client.get(url + "signed-forms.pdf", {"class_name": "9Z"}, follow=True)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Choose one of the school&#x27;s classes" in bundle.content.decode()


def test_internet_register_filters_who_may_have_access(personas, client, aup):
    p = personas
    sign_in(client, p.technician)
    url = "/schools/oakwood/agreements/internet-access/"
    signed = client.get(url, {"access": "yes"}).content.decode()
    assert "Terry Teacher" in signed and "Tess Technician" not in signed
    data = client.get(url + "csv/", {"access": "yes"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0] == ["Name", "Class or role", "Agreement", "Internet access", "Signed"]
    assert [row[0] for row in rows[1:]] == ["Terry Teacher"]
    waiting = client.get(url + "csv/", {"access": "no"}).content.decode("utf-8-sig")
    names = {row[0] for row in list(csv.reader(io.StringIO(waiting)))[1:]}
    assert names == {"Tess Technician", "Eddie Officer", "Hana Head"}
    nonsense = client.get(url, {"access": "maybe"})
    assert nonsense.status_code == 200
    assert "There is a problem" in nonsense.content.decode()


def test_home_panel_shows_leads_their_coverage(personas, world, client, rf):
    from agreements import panels

    p = personas
    with time_machine.travel(THIS_YEAR, tick=False):
        request = rf.get("/")
        request.user = p.headteacher
        panel = panels.agreement_coverage(request)
        for other in (p.teacher, p.parent, p.trustee, p.technician):
            request.user = other
            assert panels.agreement_coverage(request) is None
        sign_in(client, p.esafety_officer)
        home = client.get("/").content.decode()
    [(school, coverage)] = panel.context["rows"]
    assert school == p.school
    assert {d.title: figures(f) for d, f in coverage} == {
        "E-safety policy": (5, 2, 2, 1, 40),
        "Parent agreement": (3, 1, 1, 1, 33),
    }
    assert panel.count == 3 + 2
    assert "Agreements: who still has to sign" in home and "40%" in home
