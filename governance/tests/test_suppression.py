"""Small numbers cannot be worked back (governance/suppression.py): generated tables, each
solved by brute force as a reader would, from what is shown and nothing else. Every
hidden count must be at least two numbers consistent with all of it."""

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.suppression import HIDDEN, combine, protect

UNDER = st.sampled_from([3, 5, 10])
CELLS = st.lists(st.integers(0, 14), min_size=1, max_size=5)


def options(protected, total: int) -> list[range]:
    """What a reader may take each cell to be: a shown number is itself; "fewer than N"
    is 1 to N-1 (0 too where zeros are hidden); "hidden" beside a "fewer than" is N or
    more, and otherwise any number (never above the total)."""
    small_shown = any(t and t != HIDDEN for t in protected.texts)
    found = []
    for value, text in zip(protected.values, protected.texts, strict=True):
        if text is None:
            found.append(range(value, value + 1))
        elif text.startswith("fewer than "):
            n = int(re.search(r"\d+", text).group())
            found.append(range(0 if protected.zeros_hidden else 1, n))
        elif small_shown:
            found.append(range(protected.under, total + 1))
        else:
            found.append(range(0, total + 1))
    return found


def solutions(protected, total: int, *, total_known: bool = True):
    """Every assignment of the cells consistent with what is shown (the cells add up to
    the total when it is shown: tried cell by cell, dropping a start that overshoots)."""
    choices = options(protected, total)
    if not total_known:
        yield from itertools.product(*choices)
        return

    def fill(i, left, so_far):
        if i == len(choices):
            if left == 0:
                yield tuple(so_far)
            return
        for value in choices[i]:
            if value > left:
                break
            yield from fill(i + 1, left - value, [*so_far, value])

    yield from fill(0, total, [])


def assert_truthful(protected, under, *, total_known=True):
    one_cell_is_the_total = total_known and len(protected.values) == 1
    for value, text in zip(protected.values, protected.texts, strict=True):
        if 0 < value < under and not one_cell_is_the_total:
            assert text is not None, "a small count is shown"
        if text and text != HIDDEN:
            assert value < under and (value > 0 or protected.zeros_hidden)
        if text == HIDDEN and any(t and t != HIDDEN for t in protected.texts):
            assert value >= under


def assert_none_worked_out(found: list[tuple], texts: list) -> None:
    assert found, "the true values must be a solution"
    for i, text in enumerate(texts):
        if text is not None:
            assert len({combo[i] for combo in found}) >= 2, (i, texts, found[:3])


@settings(max_examples=300, deadline=None)
@given(values=CELLS, under=UNDER)
def test_a_breakdown_of_a_shown_total(values, under):
    protected = protect(values, under=under)
    assert_truthful(protected, under)
    total = sum(values)
    found = list(solutions(protected, total))
    assert tuple(values) in found
    assert_none_worked_out(found, protected.texts)


@settings(max_examples=300, deadline=None)
@given(values=CELLS, under=UNDER)
def test_a_breakdown_whose_total_is_not_shown(values, under):
    # The kinds of incident: an incident may have several, or none.
    protected = protect(values, under=under, total_known=False)
    assert_truthful(protected, under, total_known=False)
    found = list(solutions(protected, sum(values), total_known=False))
    assert_none_worked_out(found, protected.texts)


@st.composite
def two_breakdowns(draw):
    first = draw(st.lists(st.integers(0, 12), min_size=1, max_size=4))
    total = sum(first)
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=3)))
    second = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return first, second


@settings(max_examples=200, deadline=None)
@given(tables=two_breakdowns(), under=UNDER)
def test_two_breakdowns_of_the_same_shown_total(tables, under):
    first, second = tables
    total = sum(first)
    a, b = protect(first, under=under), protect(second, under=under)
    joint = [
        x + y
        for x in solutions(a, total)
        for y in solutions(b, total)  # both add up to the same shown total
    ]
    assert tuple(first) + tuple(second) in joint
    assert_none_worked_out(joint, list(a.texts) + list(b.texts))


@st.composite
def schools_of_a_trust(draw):
    width = draw(st.integers(1, 4))
    rows = draw(
        st.lists(
            st.lists(st.integers(0, 7), min_size=width, max_size=width), min_size=2, max_size=3
        )
    )
    return rows


@settings(max_examples=100, deadline=None)
@given(rows=schools_of_a_trust(), under=UNDER)
def test_the_trust_minus_the_other_schools_gives_no_schools_hidden_count(rows, under):
    """Each school's page shows its breakdown and total; the trust's page the sums."""
    schools = [protect(row, under=under) for row in rows]
    trust = combine(schools, under=under)
    assert_truthful(schools[0], under)
    per_school = [list(solutions(s, sum(row))) for s, row in zip(schools, rows, strict=True)]
    # Each school's readings that the trust's shown sums leave possible: those the other
    # schools' readings can make up to the sums (the joint solutions, school by school,
    # without trying every combination of the schools' readings).
    shown = [j for j, text in enumerate(trust.texts) if text is None]
    target = tuple(trust.values[j] for j in shown)
    for k, school in enumerate(schools):
        others = {(0,) * len(shown)}
        for m, found in enumerate(per_school):
            if m != k:
                parts = {tuple(combo[j] for j in shown) for combo in found}
                others = {tuple(map(sum, zip(a, b, strict=True))) for a in others for b in parts}
        possible = [
            combo
            for combo in per_school[k]
            if tuple(t - combo[j] for t, j in zip(target, shown, strict=True)) in others
        ]
        assert tuple(rows[k]) in possible
        assert_none_worked_out(possible, list(school.texts))
    for value, text in zip(trust.values, trust.texts, strict=True):
        if 0 < value < under and len(trust.values) > 1:  # (one cell: the trust's total)
            assert text is not None


def test_the_case_from_the_issue():
    # 83 incidents: Content 0, Contact 0, Conduct 1, Commerce 0, Not recorded 82.
    protected = protect([0, 0, 1, 0, 82], under=5)
    assert protected.texts == (
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        None,
    )
    assert protected.zeros_hidden
    found = list(solutions(protected, 83))
    assert {combo[2] for combo in found} == {0, 1}


def test_off_shows_every_number():
    assert protect([0, 1, 2], under=0).texts == (None, None, None)
