"""CSV formula injection: one escaper (esafety.exports) for every CSV the product writes."""

import csv
import io

import pytest
from django.urls import get_resolver

from esafety.exports import csv_response, safe_cell
from esafety.testing import sign_in

# Each CSV download of the product, and the test that proves a malicious value in it is
# escaped. A new CSV URL fails test_every_csv_download_has_an_escaping_test until added.
CSV_DOWNLOADS = {
    "incident-export": "incidents/tests/test_pages.py (export)",
    "agreements-register-csv": "agreements/tests/test_csv_exports.py",
    "agreements-consent-register-csv": "agreements/tests/test_csv_exports.py",
    "agreements-internet-register-csv": "agreements/tests/test_csv_exports.py",
    "risk-register-csv": "risks/tests/test_pages.py (test_the_csv_is_formula_safe...)",
    "training-matrix-csv": "training/tests/test_pages.py (test_matrix_csv_is_formula_safe)",
    # Fixed, fictional example rows written by people_import.template_csv: no one's data
    # reaches it (test_the_people_import_template_has_no_formula_cells checks it).
    "people-import-template": __name__,
    "devices-export": "devices/tests/test_csv_exports.py",
    "disposals-export": "devices/tests/test_csv_exports.py",
    "breaches-export": "devices/tests/test_csv_exports.py",
    # Fixed, fictional example rows (devices/tests/test_csv_exports.py checks them).
    "devices-import-template": "devices/tests/test_csv_exports.py",
    "governance-trust-csv": "governance/tests/test_csv.py",
    "governance-school-csv": "governance/tests/test_csv.py",
}


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "value",
    ["=1+2", "+1+2", "-1+2", "@SUM(A1:A2)", "\t=1+2", "\r=1+2"],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_a_cell_starting_with_a_formula_sign_is_escaped(value):
    assert safe_cell(value) == "'" + value
    rows = read_csv(csv_response("x.csv", ["Name"], [[value]]))
    assert rows[1] == ["'" + value]


@pytest.mark.parametrize("value", ["Poppy Pupil", "5A", "a=b", "2026-01-02", "", " -1"])
def test_ordinary_text_is_left_alone(value):
    assert safe_cell(value) == value


def test_none_is_an_empty_cell_and_numbers_are_text():
    assert safe_cell(None) == ""
    assert safe_cell(7) == "7"
    assert safe_cell(-7) == "'-7"


def test_the_download_is_utf8_for_excel_and_never_cached():
    response = csv_response("register.csv", ["Name"], [["Zoë"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="register.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith("\ufeff".encode())


def csv_url_names():
    """Named URLs whose path is a CSV download (ends in .csv or /csv/)."""
    names = set()
    for name, entries in get_resolver().reverse_dict.items():
        if isinstance(name, str):
            pattern = entries[0][0][0]
            if pattern.endswith((".csv", "csv/")):
                names.add(name)
    return names


def test_every_csv_download_has_an_escaping_test():
    assert csv_url_names() == set(CSV_DOWNLOADS)


def test_the_people_import_template_has_no_formula_cells(personas, client):
    sign_in(client, personas.headteacher)
    response = client.get(f"/schools/{personas.school.slug}/people/import/template.csv")
    assert response.status_code == 200
    cells = [cell for row in read_csv(response) for cell in row]
    assert cells and not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
