"""The dashboard's figures as CSV: opened in a spreadsheet, no cell runs as a formula
(esafety.exports escapes what a school or kind name could start with)."""

import csv
import io

from django.urls import reverse

from esafety.testing import sign_in

from .data import seed_incidents

FORMULA = '=HYPERLINK("http://example.invalid","Open")'


def cells(response) -> list[str]:
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return [cell for row in rows for cell in row]


def test_a_school_named_like_a_formula_is_escaped_in_both_downloads(personas, client):
    p = personas
    seed_incidents(p)
    p.school.name = FORMULA
    p.school.save()
    sign_in(client, p.chair)
    trust = client.get(reverse("governance-trust-csv", args=[p.school.trust_id]))
    school = client.get(reverse("governance-school-csv", args=[p.school.slug]))
    for response in (trust, school):
        assert response.status_code == 200
        found = cells(response)
        assert FORMULA not in found
    assert "'" + FORMULA in cells(trust)  # named in "Schools side by side", escaped
