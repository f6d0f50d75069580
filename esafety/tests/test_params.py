"""One way to read an id or a number from a request (esafety/params.py), and no other."""

import re
from pathlib import Path

import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from esafety.params import id_or_404, parse_id, parse_ids, parse_int

ROOT = Path(__file__).resolve().parents[2]

# Characters that pass str.isdigit() or int() but are not what a person types as an id.
NOT_ASCII_DIGITS = ["\u00b2", "\u00b9", "\u0663", "\uff13", "\u2460", "\u0967", "\U0001d7ce"]


@pytest.mark.parametrize(
    "text", ["²", "1²", "٣", "３", "①", " 1", "1 ", "+1", "-1", "1_0", "", "1.0"]
)
def test_anything_but_plain_digits_is_not_an_id(text):
    assert parse_id(text) is None


def test_plain_digits_in_range_are_an_id():
    assert parse_id("42") == 42
    assert parse_id(42) == 42
    assert parse_id("0") is None  # ids start at 1
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    assert parse_id(str(2**63)) is None
    assert parse_id("9" * 40) is None
    assert parse_id(None) is None
    assert parse_id(True) is None


def test_a_number_outside_its_range_is_not_read():
    assert parse_int("7", low=1, high=5) is None
    assert parse_int("0", low=0, high=5) == 0


def test_a_list_of_ids_with_one_bad_value_is_refused_whole():
    assert parse_ids(["1", "2"]) == [1, 2]
    assert parse_ids(["1", "²"]) is None


def test_a_missing_id_is_not_found():
    with pytest.raises(Http404):
        id_or_404("²")
    assert id_or_404("5") == 5


@given(st.text())
def test_any_text_is_read_without_an_error_and_only_ascii_digits_count(text):
    found = parse_int(text)
    if found is not None:
        assert re.fullmatch(r"[0-9]+", text) and int(text) == found


@given(st.sampled_from(NOT_ASCII_DIGITS), st.text(alphabet="0123456789", max_size=3))
def test_other_scripts_digits_never_count(odd, digits):
    assert parse_int(digits + odd) is None
    assert parse_int(odd + digits) is None


# --- no other way -------------------------------------------------------------------------

# str.isdigit()/isdecimal()/isnumeric() accept characters int() refuses (or reads as a
# number nobody typed); int() of a raw request value raises on bad input.
BANNED = re.compile(
    r"\.(isdigit|isdecimal|isnumeric)\(\)"
    r"|int\((self\.)?request\.(GET|POST)"
)
ALLOWED = {"esafety/params.py"}


def project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        parts = relative.split("/")
        if parts[0].startswith(".") or parts[0] in {"bench", "var"} or "tests" in parts:
            continue
        if "migrations" in parts or relative in ALLOWED:
            continue
        yield relative, path.read_text()


def test_ids_and_numbers_from_requests_are_read_only_through_params():
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, text in project_sources()
        for number, line in enumerate(text.splitlines(), 1)
        if BANNED.search(line)
    ]
    assert not found, "Read ids and numbers with esafety.params instead:\n" + "\n".join(found)
