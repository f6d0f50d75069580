"""Small numbers on trustees' pages, protected in one place.

A count under the trust's threshold (`under`, 5 by default) in a breakdown can point to one
child, so a trustee sees "fewer than 5" instead (primary suppression). That is not enough
on its own: when the breakdown's total is shown, a hidden count is the total minus the
others (83 incidents; Content 0, Contact 0, Commerce 0, Not recorded 82, Conduct "fewer
than 5": Conduct is 1). So `protect` hides more (secondary suppression) until every hidden
count could be at least two numbers, given everything shown:

1. the zeros of that breakdown are shown as "fewer than 5" too (true: none is fewer than 5),
   so a hidden count is known only to be 0 to 4;
2. then the smallest shown counts, one at a time, as "hidden" (a count of 5 or more);
3. if even that leaves one count known (a breakdown of two cells, say), every hidden cell
   reads "hidden", which then says nothing about its size.

What a reader can work out is checked exactly, not guessed: the hidden cells add up to the
total less the shown ones, each lies between its bounds, and a sum of whole numbers
between bounds takes every whole value between the sums of the bounds. So cell i can be
any whole number from max(lo_i, S - sum of the others' highs) to min(hi_i, S - sum of the
others' lows); it is worked out when that is one number. `governance/tests/
test_suppression.py` checks it against brute force on generated tables.

A breakdown of the schools shown together (the trust) is one sum per cell of each school's
breakdown: `combine` shows a trust's cell only where every school shows its own, and reads
"hidden" otherwise, so the trust's figure minus the other schools' never gives a school's
hidden count, and the trust's figures add nothing to what the schools' pages show.
"""

from dataclasses import dataclass

HIDDEN = "hidden"


def small_text(under: int) -> str:
    return f"fewer than {under}"


@dataclass(frozen=True)
class Protected:
    """One breakdown as a trustee sees it: each cell's number, or the text instead."""

    values: tuple  # the true counts
    texts: tuple  # None where the count is shown; else "fewer than 5" or "hidden"
    under: int = 0
    zeros_hidden: bool = False  # "fewer than 5" here may also stand for none

    @property
    def shown(self) -> list:
        """The numbers to draw: None where hidden."""
        return [None if t else v for v, t in zip(self.values, self.texts, strict=True)]

    @property
    def any_hidden(self) -> bool:
        return any(self.texts)

    def bounds(self) -> list:
        """What a reader knows of each cell: (lowest, highest), None for no upper limit;
        a shown cell is its number."""
        labelled_small = any(t and t != HIDDEN for t in self.texts)
        found = []
        for value, text in zip(self.values, self.texts, strict=True):
            if text is None:
                found.append((value, value))
            elif text != HIDDEN:
                found.append((0 if self.zeros_hidden else 1, self.under - 1))
            elif labelled_small:  # beside "fewer than 5", "hidden" means 5 or more
                found.append((self.under, None))
            else:
                found.append((0, None))
        return found


def worked_out(values, bounds, *, total_known: bool) -> set[int]:
    """The hidden cells a reader can work out from `bounds` (and the total, when shown)."""
    hidden = [i for i, (lo, hi) in enumerate(bounds) if lo != hi]
    if not total_known:
        return set()  # each lies between its bounds, two numbers at least
    rest = sum(values[i] for i in hidden)  # the total less the shown cells
    found = set()
    for i in hidden:
        lows = sum(bounds[j][0] for j in hidden if j != i)
        highs = [bounds[j][1] for j in hidden if j != i]
        high_sum = rest if None in highs else sum(highs)
        lo, hi = bounds[i]
        least = max(lo, rest - high_sum)
        most = min(rest if hi is None else hi, rest - lows)
        if most - least < 1:
            found.add(i)
    return found


def protect(values, *, under: int, total_known: bool = True, forced=()) -> Protected:
    """`values` (counts, their total shown when `total_known`) as a trustee may see them
    with counts under `under` small (0: every count shown). `forced`: cells to hide anyway."""
    values = tuple(int(v) for v in values)
    if not under:
        return Protected(values, (None,) * len(values))
    texts = [small_text(under) if 0 < v < under else None for v in values]
    for i in forced:
        texts[i] = small_text(under) if values[i] < under else HIDDEN
    zeros_hidden = any(values[i] == 0 for i in forced)
    if not any(texts) or (total_known and len(values) == 1):
        # Nothing small; or the one cell is the total itself, shown anyway.
        return Protected(values, (None,) * len(values), under)
    while True:
        found = Protected(values, tuple(texts), under, zeros_hidden)
        if not worked_out(values, found.bounds(), total_known=total_known):
            return found
        zeros = [i for i, v in enumerate(values) if v == 0 and texts[i] is None]
        if zeros:
            for i in zeros:
                texts[i] = small_text(under)
            zeros_hidden = True
            continue
        visible = sorted((v, i) for i, v in enumerate(values) if texts[i] is None)
        if visible:
            texts[visible[0][1]] = HIDDEN
            continue
        return Protected(values, tuple(HIDDEN if t else None for t in texts), under, zeros_hidden)


def combine(rows: list[Protected], *, under: int, total_known: bool = True) -> Protected:
    """The schools' breakdowns added up (the trust's): a cell shown only where every school
    shows it, else "hidden" (saying nothing of its size)."""
    values = tuple(sum(column) for column in zip(*(r.values for r in rows), strict=True))
    if len(rows) == 1:
        return rows[0]
    if not under:
        return Protected(values, (None,) * len(values))
    texts = tuple(HIDDEN if any(r.texts[i] for r in rows) else None for i in range(len(values)))
    return Protected(values, texts, under)
