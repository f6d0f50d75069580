"""GET /api/v1/figures/: the school's dashboard figures as rows, the same as its CSV."""

from esafety.api.tokens import make_token
from incidents.tests.factories import report


def test_the_figures_are_the_dashboards_rows_and_name_nobody(personas, client):
    report(personas.school, personas.teacher)
    _, key = make_token(
        school=personas.school, name="Trust tools", scopes=["figures.read"], by=personas.headteacher
    )
    answer = client.get("/api/v1/figures/", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["school"] == "Oakwood Primary" and body["period"]
    figures = {row["figure"] for row in body["rows"]}
    assert "Headline" in figures
    text = str(body)
    for name in ("Terry Teacher", "Poppy Pupil", "Hana Head"):
        assert name not in text
    bad = client.get("/api/v1/figures/?period=forever", headers={"Authorization": f"Bearer {key}"})
    assert bad.status_code == 400
