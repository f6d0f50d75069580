"""Registers that scale with the school: the internet-access register in pages, and the
printable register of a large school one class or role per page."""

import pytest
import time_machine

from agreements import views_registers
from agreements.tests.test_registers import THIS_YEAR, aup, world  # noqa: F401  (fixtures)
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def test_the_internet_register_comes_in_pages_with_the_whole_schools_count(
    personas,
    client,
    aup,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(views_registers, "ROWS_PER_PAGE", 2)
    sign_in(client, personas.technician)
    url = "/schools/oakwood/agreements/internet-access/"
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    # Four staff must sign; three have not, whichever page is shown.
    assert "(4)</caption>" in first and "Page 1 of 2" in first
    assert "<strong>3</strong> people have not signed" in second
    names = ["Hana Head", "Eddie Officer", "Tess Technician", "Terry Teacher"]
    assert sorted(n for n in names if n in first + second) == sorted(names)
    assert sum(n in first for n in names) == 2
    only_signed = client.get(url, {"access": "yes"}).content.decode()
    assert "Terry Teacher" in only_signed and "(1)</caption>" in only_signed


def test_a_large_schools_printable_register_prints_a_class_per_page(
    personas,
    world,  # noqa: F811
    client,
    monkeypatch,
):
    monkeypatch.setattr(views_registers, "PRINT_WHOLE_SCHOOL_UP_TO", 2)
    sign_in(client, personas.esafety_officer)
    url = f"/schools/oakwood/agreements/registers/{world['parent'].pk}/print/"
    with time_machine.travel(THIS_YEAR, tick=False):
        first = client.get(url).content.decode()
        second = client.get(url, {"page": 2}).content.decode()
        chosen = client.get(url, {"group": "5B"}).content.decode()
    assert "Poppy Pupil" in first and "Dan Daniels" in first and "Eve Evans" not in first
    assert "Eve Evans" in second and "Poppy Pupil" not in second
    assert "Page 1 of 2" in first
    # The whole school's figures are on every page.
    assert "Whole school: 1 of 3 signed (33%)" in second
    assert "Eve Evans" in chosen and "Page 1 of" not in chosen
