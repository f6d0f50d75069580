"""Completions from a training platform through the API: recorded for the member of
staff named, waiting for the officer's verification, refused with reasons otherwise."""

import pytest

from esafety.api.tokens import make_token
from training.models import Evidence, Requirement, TrainingRecord
from training.standard import install_standard_requirements


@pytest.fixture
def headers(personas):
    _, key = make_token(
        school=personas.school, name="LMS", scopes=["training.records"], by=personas.headteacher
    )
    return {"Authorization": f"Bearer {key}"}


def post(client, headers, data):
    return client.post(
        "/api/v1/training-records/", data, content_type="application/json", headers=headers
    )


def test_a_completion_is_recorded_and_waits_for_verification(personas, client, headers):
    install_standard_requirements(personas.school, by=personas.headteacher)
    requirement = (
        Requirement.objects.filter(
            school=personas.school, evidence=Evidence.ATTENDANCE, is_active=True
        )
        .exclude(code="")
        .first()
    )
    personas.teacher.email = "terry@oakwood.example"
    personas.teacher.save()
    answer = post(
        client,
        headers,
        {
            "person": "terry@oakwood.example",
            "requirement": requirement.code,
            "completed_on": "2026-11-20",
        },
    )
    assert answer.status_code == 201, answer.json()
    record = TrainingRecord.objects.get(pk=answer.json()["id"])
    assert record.person == personas.teacher and record.requirement == requirement
    assert record.verified_at is None and answer.json()["verified"] is False


def test_a_completion_for_someone_not_on_the_staff_or_without_what_it_was_is_refused(
    personas, client, headers
):
    pupil = post(
        client,
        headers,
        {"person": str(personas.pupil.email), "title": "E-safety", "completed_on": "2026-11-20"},
    )
    assert pupil.status_code == 400 and "No member of staff" in str(pupil.json())
    personas.teacher.email = "terry@oakwood.example"
    personas.teacher.save()
    nothing = post(
        client, headers, {"person": "terry@oakwood.example", "completed_on": "2026-11-20"}
    )
    assert nothing.status_code == 400 and "requirement" in nothing.json()
    unknown = post(
        client,
        headers,
        {"person": "terry@oakwood.example", "requirement": "no-such", "completed_on": "2026-11-20"},
    )
    assert unknown.status_code == 400
    future = post(
        client,
        headers,
        {"person": "terry@oakwood.example", "title": "X", "completed_on": "2099-01-01"},
    )
    assert future.status_code == 400
    assert not TrainingRecord.objects.exists()
