"""The headteacher signing off and a trustee approving a new version see what changed
from the published version, paragraph by paragraph, marked in words (not colour alone),
beside the author's summary; the version PDF can carry the changes as an appendix."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements import services
from agreements.changes import ADDED, REMOVED, paragraph_changes
from agreements.models import Document, Kind
from agreements.tests.factories import STAFF
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db

OLD = (
    "# Policy\n\nUse strong passwords.\n\n# Phones\n\nPhones stay in bags.\n\n# Email\n\nBe polite."
)
NEW = (
    "# Policy\n\nUse strong passwords.\n\n# Phones\n\nPhones are handed in at the office."
    "\n\n# Email\n\nBe polite.\n\n# AI tools\n\nAsk before using AI chatbots."
)


def test_changes_are_paragraphs_added_and_removed_under_their_heading():
    changes = paragraph_changes(OLD, NEW)
    described = [(c.kind, c.under, str(c.html)) for c in changes]
    assert described == [
        (REMOVED, "Phones", "<p>Phones stay in bags.</p>"),
        (ADDED, "Phones", "<p>Phones are handed in at the office.</p>"),
        # A heading is a labelled line in the list, not a heading out of the page's order.
        (ADDED, "Email", '<p class="diff-heading">Heading: <strong>AI tools</strong></p>'),
        (ADDED, "AI tools", "<p>Ask before using AI chatbots.</p>"),
    ]


@pytest.fixture
def draft(personas):
    document = Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    first = services.new_version(document=document, by=personas.esafety_officer, text=OLD)
    services.head_sign_off(version=first, by=personas.headteacher)
    services.approve(version=first, by=personas.trustee)
    return services.new_version(
        document=document,
        by=personas.esafety_officer,
        text=NEW,
        change_summary="Phones handed in; a section on AI.",
    )


def assert_shows_the_changes(page):
    assert "What changed from version 1" in page
    assert "Phones handed in; a section on AI." in page  # the author's summary beside it
    assert "3 paragraphs added and 1 removed" in page
    removed = page.index("<strong>Removed</strong> under “<bdi>Phones</bdi>”")
    assert '<del dir="auto"><p>Phones stay in bags.</p></del>' in page[removed:]
    assert "<strong>Added</strong> under “<bdi>Phones</bdi>”" in page
    assert '<ins dir="auto"><p>Phones are handed in at the office.</p></ins>' in page


def test_the_headteacher_signing_off_sees_the_changes(personas, client, draft):
    sign_in(client, personas.headteacher)
    page = client.get(reverse("agreements-version", args=[draft.pk])).content.decode()
    assert "Sign off as headteacher" in page
    assert_shows_the_changes(page)


def test_the_trustee_approving_sees_the_changes(personas, client, draft):
    services.head_sign_off(version=draft, by=personas.headteacher)
    sign_in(client, personas.trustee)
    page = client.get(reverse("agreements-version", args=[draft.pk])).content.decode()
    assert "Approve for the trustees" in page
    assert_shows_the_changes(page)


def pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_the_version_pdf_can_have_the_changes_as_an_appendix(personas, client, draft):
    sign_in(client, personas.trustee)
    url = reverse("agreements-version-pdf", args=[draft.pk])
    plain = pdf_text(client.get(url))
    assert "Ask before using AI chatbots." in plain and "Appendix" not in plain
    with_changes = pdf_text(client.get(url + "?changes=1"))
    appendix = with_changes[with_changes.index("Appendix: What changed from version 1") :]
    assert "Removed under “Phones” Phones stay in bags." in appendix
    assert "Added under “Phones” Phones are handed in at the office." in appendix
