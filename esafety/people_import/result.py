"""What an import did or would do: counts, problems and warnings, for the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from .columns import (
    MAX_ERRORS_SHOWN,
    PARENT,
    PUPIL,
    RECORD_TYPE_LABELS,
    RECORD_TYPES,
    STAFF,
    and_list,
)


@dataclass(frozen=True)
class ImportIssue:
    """A problem (or a warning) with the file: where it is and what to do about it."""

    row: int | None  # as Excel numbers it: the column names are row 1
    column: str
    message: str

    def __str__(self):
        where = ", ".join(
            part for part in (f"Row {self.row}" if self.row else "", self.column) if part
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass
class TypeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    filename: str = ""
    dry_run: bool = False
    imported: bool = False  # True once written (never for a dry run or with errors)
    rows_read: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    counts: dict[str, TypeCounts] = field(
        default_factory=lambda: {t: TypeCounts() for t in RECORD_TYPES}
    )
    new_accounts: int = 0
    links_added: int = 0
    links_updated: int = 0
    links_unchanged: int = 0
    # Active roles of the record types in the file that no row matched; left alone.
    not_in_file: dict[str, int] = field(default_factory=dict)
    # What each row did: (row number, record type) -> ("joined" | "changed" |
    # "unchanged", the fields that change).
    outcomes: dict[tuple[int, str], tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # A sync's rows set aside with their problems (the CSV import refuses the file instead).
    refused: list[ImportIssue] = field(default_factory=list)
    leavers: list = field(default_factory=list)  # leavers.Leaver
    leaver_base: int = 0  # active pupil, staff and parent roles here before the sync

    @property
    def leaver_percent(self) -> float:
        return 100 * len(self.leavers) / self.leaver_base if self.leaver_base else 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def count_rows(self) -> list[tuple[str, TypeCounts]]:
        return [(RECORD_TYPE_LABELS[t], c) for t, c in self.counts.items() if c.total]

    @property
    def errors_shown(self) -> list[ImportIssue]:
        return self.errors[:MAX_ERRORS_SHOWN]

    @property
    def errors_hidden(self) -> int:
        return max(0, len(self.errors) - MAX_ERRORS_SHOWN)

    @property
    def not_in_file_text(self) -> str:
        """e.g. "28 pupils, 6 staff and 1 parent or carer"."""
        nouns = {PUPIL: ("pupil", "pupils"), STAFF: ("staff", "staff")}
        nouns[PARENT] = ("parent or carer", "parents and carers")
        parts = [f"{n} {nouns[t][n != 1]}" for t, n in self.not_in_file.items() if n]
        return and_list(parts, "and") if parts else ""

    def error(self, row, column, message) -> None:
        self.errors.append(ImportIssue(row, column, message))

    def warn(self, row, column, message) -> None:
        self.warnings.append(ImportIssue(row, column, message))
