"""The register, its heat map, the trustees' view and the home page cost the same number
of queries with 10 or 1,000 risks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from risks.models import Action, Assessment, Matrix, Risk

pytestmark = pytest.mark.django_db


def make_risks(personas, count):
    matrix = Matrix.objects.current_for(personas.school.trust_id)
    today = timezone.localdate()
    start = Risk.objects.filter(school=personas.school).count()
    risks = Risk.objects.bulk_create(
        Risk(
            school=personas.school,
            number=start + n + 1,
            title=f"Bulk risk {n}",
            description="Bulk",
            category="content",
            matrix=matrix,
            inherent_likelihood=3,
            inherent_impact=3,
            inherent_score=9,
            likelihood=1 + n % 3,
            impact=1 + (n // 3) % 3,
            score=(1 + n % 3) * (1 + (n // 3) % 3),
            band="MEDIUM",
            band_rank=1,
            review_due=today,
        )
        for n in range(count)
    )
    Owners = Risk.owners.through
    Owners.objects.bulk_create(
        Owners(risk_id=r.pk, user_id=[personas.esafety_officer.pk, personas.technician.pk][n % 2])
        for n, r in enumerate(risks)
    )
    Assessment.objects.bulk_create(
        Assessment(
            risk=r, matrix=matrix, inherent_likelihood=3, inherent_impact=3, likelihood=1, impact=1
        )
        for r in risks
    )
    Action.objects.bulk_create(
        Action(risk=r, text="Do it", owner=personas.teacher, due_on=today) for r in risks[:50]
    )
    from esafety import figures

    figures.invalidate(schools=[personas.school])


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("user", "url", "args", "params"),
    [
        ("esafety_officer", "risk-register", True, ""),
        ("esafety_officer", "risk-register", True, "?band=MEDIUM&sort=review&review=due"),
        ("headteacher", "risk-register", True, "?cell=current-1-1"),
        ("technician", "risk-register", True, ""),
        ("trustee", "risk-register", True, ""),
        ("trustee", "risk-trust", False, ""),
        ("headteacher", "home", False, ""),
        ("teacher", "home", False, ""),
    ],
)
def test_query_count_does_not_grow(personas, client, user, url, args, params):
    sign_in(client, getattr(personas, user))
    path = reverse(url, args=[personas.school.slug] if args else []) + params
    make_risks(personas, 10)
    client.get(path)  # warm the figures cache and the session
    small = queries_for(client, path)
    make_risks(personas, 990)
    client.get(path)
    large = queries_for(client, path)
    assert small == large, f"{url}{params}: {small} queries with 10 risks, {large} with 1,000"


@pytest.mark.parametrize("viewer", ["esafety_officer", "headteacher", "technician"])
def test_the_risk_page_costs_the_same_with_one_owner_or_five_and_their_actions(
    personas, client, viewer
):
    """Owners, their roles, the actions (each asking who may mark it done) and the history
    (owners changed) in a fixed number of queries: none per owner or action."""
    from esafety.testing import person
    from risks import services
    from risks.tests.factories import make_action, make_risk

    staff = [personas.technician, personas.esafety_officer, personas.teacher]
    staff += [person(personas.school, "staff", name=f"Extra Staff {n}") for n in range(3)]
    one = make_risk(personas.school, personas.esafety_officer, owners=staff[:2])
    five = make_risk(personas.school, personas.esafety_officer, owners=staff)
    services.update_risk(risk=one, by=personas.esafety_officer, owners=staff[:1])
    services.update_risk(risk=five, by=personas.esafety_officer, owners=staff[:5])
    make_action(one, personas.esafety_officer, personas.teacher)
    for owner in (personas.teacher, personas.technician, *staff[3:]):
        make_action(five, personas.esafety_officer, owner)
    sign_in(client, getattr(personas, viewer))
    queries_for(client, one.get_absolute_url())  # warm the figures and sessions
    few = queries_for(client, one.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        assert client.get(five.get_absolute_url()).status_code == 200
    assert len(many) == few, "\n".join(q["sql"][:150] for q in many.captured_queries)
    if viewer != "technician":
        page = client.get(five.get_absolute_url()).content.decode()
        assert all(p.full_name in page for p in staff[:5])
