"""Heat maps: how many risks sit in each likelihood x impact cell, current and inherent,
drawn per matrix (a school mid-way through a change of matrix has two)."""

from dataclasses import dataclass

from django.db.models import Count

from .models import Matrix, score_label

# Bootstrap classes with AA contrast for the lowest, middle and highest bands.
BAND_CLASSES = ("text-bg-success", "text-bg-warning", "text-bg-danger")


def band_class(matrix: Matrix, score: int) -> str:
    rank, top = matrix.band_rank(score), len(matrix.bands) - 1
    if rank == 0:
        return BAND_CLASSES[0]
    return BAND_CLASSES[2] if rank == top else BAND_CLASSES[1]


@dataclass
class Cell:
    likelihood: int
    impact: int
    score: int
    band: str
    css: str
    count: int

    @property
    def label(self) -> str:
        """The cell's score in words: HIGH (9)."""
        return score_label(self.band, self.score)


@dataclass
class Grid:
    matrix: Matrix
    rows: list  # impact from highest to lowest, each a list of cells by likelihood
    total: int


def cell_counts(risks) -> dict:
    """{(matrix_id, "current"|"inherent", likelihood, impact): count}: two GROUP BYs."""
    counts = {}
    current = risks.values("matrix_id", "likelihood", "impact").annotate(n=Count("pk")).order_by()
    for row in current:
        counts[(row["matrix_id"], "current", row["likelihood"], row["impact"])] = row["n"]
    inherent = (
        risks.values("matrix_id", "inherent_likelihood", "inherent_impact")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in inherent:
        key = (row["matrix_id"], "inherent", row["inherent_likelihood"], row["inherent_impact"])
        counts[key] = row["n"]
    return counts


def grids(counts: dict, which: str, matrices: dict) -> list[Grid]:
    """One grid per matrix with risks in it (`matrices`: id -> Matrix)."""
    used = sorted({key[0] for key in counts if key[1] == which})
    result = []
    for matrix_id in used:
        matrix = matrices[matrix_id]
        rows = []
        for impact in reversed(matrix.scale):
            row = []
            for likelihood in matrix.scale:
                score = likelihood * impact
                count = counts.get((matrix_id, which, likelihood, impact), 0)
                band = matrix.band(score)["label"]
                row.append(Cell(likelihood, impact, score, band, band_class(matrix, score), count))
            rows.append(row)
        total = sum(c.count for row in rows for c in row)
        result.append(Grid(matrix, rows, total))
    return result


def matrices_for(counts: dict) -> dict:
    ids = {key[0] for key in counts}
    return {m.pk: m for m in Matrix.objects.filter(pk__in=ids)} if ids else {}
