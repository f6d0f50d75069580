"""Every devices CSV escapes a value that Excel would run as a formula."""

import pytest
from django.urls import reverse

from devices.models import Software
from devices.tests import factories
from esafety.testing import sign_in
from esafety.tests.test_exports import read_csv

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://x","click")'


def _cells(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [cell for row in read_csv(response)[1:] for cell in row]


def test_inventory_csv_escapes_formulas(personas, client):
    factories.device(personas.school, asset_tag=EVIL, make_model="+SUM(A1)")
    sign_in(client, personas.technician)
    cells = _cells(client, reverse("devices-export", args=[personas.school.slug]))
    assert "'" + EVIL in cells and "'+SUM(A1)" in cells and EVIL not in cells


def test_disposals_csv_escapes_formulas(personas, client):
    disposal = factories.disposal(personas)
    disposal.company = "@evil"
    disposal.save()
    sign_in(client, personas.technician)
    cells = _cells(client, reverse("disposals-export", args=[personas.school.slug]))
    assert "'@evil" in cells and "@evil" not in cells


def test_breaches_csv_escapes_formulas(personas, client):
    factories.breach(personas, what_happened=EVIL, people_affected="-2 families")
    sign_in(client, personas.esafety_officer)
    cells = _cells(client, reverse("breaches-export", args=[personas.school.slug]))
    assert "'" + EVIL in cells and "'-2 families" in cells and EVIL not in cells


def test_software_csv_escapes_formulas(personas, client):
    Software.objects.create(school=personas.school, name=EVIL, purpose="x", used_by="pupils")
    sign_in(client, personas.technician)
    cells = _cells(client, reverse("software", args=[personas.school.slug]) + "?format=csv")
    assert "'" + EVIL in cells and EVIL not in cells


def test_the_import_template_has_no_formula_cells(personas, client):
    sign_in(client, personas.technician)
    cells = _cells(client, reverse("devices-import-template", args=[personas.school.slug]))
    assert cells and not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
