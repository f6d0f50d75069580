"""The register PDF is kept in the cache under a stamp of the records it shows, not its
rendered HTML (esafety/stamps.py): a repeat renders nothing, and every change to what it
shows is in the next copy."""

import io

import pytest
from pypdf import PdfReader

from esafety.models import Role
from esafety.testing import person
from risks import pdf
from risks.models import Action, Risk, Status
from risks.tests.factories import make_action, make_risk

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )


@pytest.fixture
def register(personas):
    risk = make_risk(personas.school, personas.esafety_officer, owners=[personas.esafety_officer])
    return personas, risk


def test_a_repeat_renders_nothing(register, monkeypatch):
    personas, _ = register
    first = pdf.register_pdf(personas.school)
    monkeypatch.setattr(pdf, "register_context", lambda school: pytest.fail("rendered again"))
    assert pdf.register_pdf(personas.school) == first


def test_a_changed_risk_is_in_the_next_copy(register):
    personas, risk = register
    pdf.register_pdf(personas.school)
    risk.title = "Webcams left on in the library"
    risk.save()
    assert "Webcams left on in the library" in text_of(pdf.register_pdf(personas.school))


def test_a_new_and_a_closed_risk_are_in_the_next_copy(register):
    personas, _ = register
    pdf.register_pdf(personas.school)
    make_risk(personas.school, personas.esafety_officer, title="Smart speakers in classrooms")
    assert "Smart speakers in classrooms" in text_of(pdf.register_pdf(personas.school))
    closed = Risk.objects.get(title="Smart speakers in classrooms")
    closed.status = Status.CLOSED
    closed.save()
    assert "Smart speakers in classrooms" not in text_of(pdf.register_pdf(personas.school))


def test_a_change_of_owners_is_in_the_next_copy(register):
    personas, risk = register
    assert "Risk Owner/s: E-safety officer" in text_of(pdf.register_pdf(personas.school))
    risk.owners.set([personas.technician])
    assert "Risk Owner/s: IT support" in text_of(pdf.register_pdf(personas.school))


def test_an_owners_new_role_is_in_the_next_copy(register):
    personas, risk = register
    helper = person(personas.school, Role.STAFF)
    risk.owners.set([helper])
    before = text_of(pdf.register_pdf(personas.school))
    membership = helper.memberships.get(school=personas.school)
    membership.role = Role.TECHNICIAN
    membership.save()
    after = text_of(pdf.register_pdf(personas.school))
    assert after != before and "Risk Owner/s: IT support" in after


def test_an_overdue_action_is_counted_in_the_next_copy(register):
    personas, risk = register
    assert "0 actions overdue" in text_of(pdf.register_pdf(personas.school))
    action = make_action(risk, personas.esafety_officer, personas.technician, days=7)
    Action.objects.filter(pk=action.pk).update(due_on=risk.identified_on.replace(year=2020))
    action.refresh_from_db()
    action.save()  # an edit through the page saves the action (and its history)
    assert "1 action overdue" in text_of(pdf.register_pdf(personas.school))


def test_a_renamed_school_is_in_the_next_copy(register):
    personas, _ = register
    pdf.register_pdf(personas.school)
    personas.school.name = "Larchwood Academy"
    personas.school.save()
    assert "Larchwood Academy" in text_of(pdf.register_pdf(personas.school))
