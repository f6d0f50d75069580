"""A person named by an integration (email or MIS reference): found when exactly one
person in post holds that name in the roles asked, never guessed."""

from esafety.models import Role
from esafety.services import member_by_reference
from esafety.testing import person


def test_found_by_email_or_mis_reference_in_any_case(personas):
    personas.pupil.email = "poppy@oakwood.example"
    personas.pupil.save()
    personas.pupil.memberships.update(external_id="A1234")
    for ref in ("POPPY@oakwood.example", " a1234 "):
        assert member_by_reference(personas.school, ref, [Role.PUPIL]) == personas.pupil.pk


def test_nobody_for_another_role_another_school_a_blank_or_two_holders(personas):
    personas.pupil.memberships.update(external_id="A1234")
    assert member_by_reference(personas.school, "A1234", [Role.STAFF]) is None
    assert member_by_reference(personas.other_school, "A1234", [Role.PUPIL]) is None
    assert member_by_reference(personas.school, "  ", [Role.PUPIL]) is None
    person(personas.school, Role.PUPIL, external_id="A1234")
    assert member_by_reference(personas.school, "A1234", [Role.PUPIL]) is None
