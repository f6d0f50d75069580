"""The matrix and the pages built like it cost the same number of queries for 10 people
as for 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership, Role, StaffType, User
from esafety.testing import sign_in
from training.models import TrainingRecord
from training.standard import install_standard_requirements

pytestmark = pytest.mark.django_db


def add_staff(school, count, start, officer):
    users = User.objects.bulk_create(
        User(full_name=f"Staff {start + n}", email=f"s{start + n}@x.example") for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, school=school, role=Role.STAFF, staff_type=StaffType.TEACHER)
        for u in users
    )
    requirements = [r for r in school_requirements(school) if r.evidence != "signature"]
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            school=school,
            person=u,
            requirement=r,
            title=r.title,
            completed_on=timezone.localdate(),
            recorded_by=officer,
            verified_by=officer if n % 2 else None,
        )
        for n, u in enumerate(users)
        for r in requirements[: n % 4]
    )


def school_requirements(school):
    from training.models import Requirement

    return list(Requirement.objects.filter(school=school))


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "name",
    [
        "training-matrix",
        "training-matrix-csv",
        "training-matrix-print",
        "training-inbox",
        "training-session",
    ],
)
def test_school_pages_cost_the_same_for_10_and_500_people(client, personas, name):
    p = personas
    install_standard_requirements(p.school, by=p.headteacher)
    add_staff(p.school, 6, 0, p.esafety_officer)  # 10 staff with the personas
    sign_in(client, p.esafety_officer)
    url = reverse(name, args=[p.school.slug])
    small = count(client, url)
    add_staff(p.school, 490, 100, p.esafety_officer)
    assert count(client, url) == small


def test_requirement_page_costs_the_same_for_10_and_500_people(client, personas):
    p = personas
    first = install_standard_requirements(p.school, by=p.headteacher)[0]
    add_staff(p.school, 6, 0, p.esafety_officer)
    sign_in(client, p.esafety_officer)
    url = reverse("training-requirement", args=[p.school.slug, first.pk])
    small = count(client, url)
    add_staff(p.school, 490, 100, p.esafety_officer)
    assert count(client, url) == small


@pytest.mark.parametrize("who", ["trustee", "esafety_officer", "teacher"])
def test_figures_home_and_my_training_cost_the_same_for_10_and_500_people(client, personas, who):
    p = personas
    install_standard_requirements(p.school, by=p.headteacher)
    add_staff(p.school, 6, 0, p.esafety_officer)
    sign_in(client, getattr(p, who))
    urls = [reverse("home"), reverse("training-mine")]
    if who != "teacher":
        urls.append(reverse("training-figures"))
    from django.core.cache import cache

    cache.clear()  # both sizes cold: the figures (and the session) read afresh
    small = [count(client, url) for url in urls]
    add_staff(p.school, 490, 100, p.esafety_officer)
    cache.clear()  # the figures are recomputed for the bigger school
    assert [count(client, url) for url in urls] == small
