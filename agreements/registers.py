"""Registers: who has signed what, who has not, and who may appear where.

Each register is worked out in a fixed number of queries whatever the school's size
(counts in SQL, pages fetched with LIMIT), so a trust of thousands of pupils costs the
same number of round trips as a class of ten.

Definitions, for a document's current published version:
- signed: the person (or, for a parent agreement, the child, by either parent) signed
  this version, and, for yearly documents, in this academic year;
- expired: signed only an older version or in an earlier year;
- outstanding: must sign and never has.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from esafety.figures import figure_for
from esafety.models import STAFF_ROLES, Membership, ParentLink, Role, StaffType, TrusteeMembership

from .audience import years_in
from .counting import still_counts_q
from .models import Document, Signature, Version, VersionStatus
from .register_cache import COVERAGE_FIGURE, ROWS_KEPT_SECONDS, while_fresh

SIGNED, EXPIRED, OUTSTANDING = "signed", "expired", "outstanding"
STATUS_LABELS = {
    SIGNED: "Signed",
    EXPIRED: "Expired: signed an older version or an earlier year",
    OUTSTANDING: "Not signed yet",
}
ROLE_ORDER = [
    Role.HEADTEACHER,
    Role.ESAFETY_OFFICER,
    Role.TECHNICIAN,
    Role.STAFF,
    Role.PUPIL,
    Role.PARENT,
]


@dataclass
class Figures:
    audience: int = 0
    signed: int = 0
    expired: int = 0
    outstanding: int = 0

    @property
    def percent(self) -> int | None:
        """Coverage: the share of the audience signed now (None when nobody must sign)."""
        return round(100 * self.signed / self.audience) if self.audience else None

    def add(self, status: str) -> None:
        self.audience += 1
        setattr(self, status, getattr(self, status) + 1)


@dataclass
class Row:
    subject_id: int
    name: str
    group: str
    status: str
    last_signed_at: datetime.datetime | None
    asked: str = ""  # who is asked to sign, when it is not the person themselves

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Register:
    document: Document
    rows: list[Row] = field(default_factory=list)
    groups: list[tuple[str, Figures]] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def _group_of(membership: dict) -> tuple[int, str]:
    """(sort key, label) for the register's grouping: classes for pupils, roles for staff."""
    role = membership["role"]
    if role == Role.PUPIL:
        label = membership["class_name"] or (
            "Reception" if membership["year_group"] == 0 else f"Year {membership['year_group']}"
        )
        return (ROLE_ORDER.index(role) * 100 + (membership["year_group"] or 0), label)
    if role == Role.STAFF and membership["staff_type"]:
        return (ROLE_ORDER.index(role) * 100, StaffType(membership["staff_type"]).label)
    return (ROLE_ORDER.index(role) * 100, Role(role).label)


def published_documents(school):
    return (
        Document.objects.filter(school=school, versions__status=VersionStatus.PUBLISHED)
        .select_related("school")
        .order_by("title")
    )


@dataclass(frozen=True)
class DocumentTitle:
    """What the coverage tables show of a document (cached with its figures)."""

    pk: int
    title: str


def coverage_by_document(school, on=None) -> list[tuple[DocumentTitle, Figures]]:
    """Figures only, for each published document: the overview and the home panel. From
    the figures layer (cached; see agreements/figures.py)."""
    # Exact: the overview leads to the registers, whose lists must agree with it.
    return figure_for(COVERAGE_FIGURE, school.pk, today=on, exact=True)


def coverage_for_schools(school_ids, on) -> dict[int, list[tuple[DocumentTitle, Figures]]]:
    """Every published document's figures in every school: one query for the documents,
    one for their current versions and one per school for all its documents' figures,
    whatever the number of people or documents."""
    documents = list(
        Document.objects.filter(
            school_id__in=school_ids,
            pk__in=Version.objects.filter(status=VersionStatus.PUBLISHED).values("document_id"),
        )
        .select_related("school")
        .order_by("title", "pk")
    )
    current: dict[int, Version] = {}
    for version in Version.objects.filter(document__in=documents, status=VersionStatus.PUBLISHED):
        current.setdefault(version.document_id, version)  # newest number first
    figures = _figures_by_school(
        [d for d in documents if "trustee" not in d.audience_roles], current, on
    )
    coverage: dict[int, list] = {school_id: [] for school_id in school_ids}
    for document in documents:
        # Trustees aren't school members: a document they sign is counted on its own.
        numbers = figures.get(document.pk) or register_listing(document, on).total
        coverage[document.school_id].append((DocumentTitle(document.pk, document.title), numbers))
    return coverage


def document_figures(document, on) -> Figures:
    """One document's figures, computed as the coverage tables compute them (uncached)."""
    coverage = coverage_for_schools([document.school_id], on)[document.school_id]
    return next(figures for title, figures in coverage if title.pk == document.pk)


def _figures_by_school(documents, current, on) -> dict[int, Figures]:
    """One query per school: a UNION of one aggregate per document. Per school, not one
    for the trust: PostgreSQL's JIT compiler takes minutes over a trust-wide UNION."""
    parts: dict[int, list] = {}
    for document in documents:
        parts.setdefault(document.school_id, []).append(
            annotated_subjects(document, current[document.pk], on)
            .order_by()
            .annotate(document_id=Value(document.pk))
            .values("document_id")
        )
    found: dict[int, Figures] = {}
    for first, *rest in parts.values():
        first, rest = _counts(first), [_counts(part) for part in rest]
        for row in first.union(*rest, all=True) if rest else first:
            found[row["document_id"]] = _figures(row)
    return {document.pk: found.get(document.pk, Figures()) for document in documents}


# --- internet access -----------------------------------------------------------------


def internet_access_rows(school, on=None) -> list[tuple[Document, Row]]:
    """Everyone who must sign an agreement that grants internet access, with whether they
    have signed its current version (the seed: access only after signing)."""
    documents = published_documents(school).filter(grants_internet_access=True)
    return [(document, row) for document in documents for row in register_for(document, on).rows]


class InternetRows(Sequence):
    """(document, row) for everyone who must sign an agreement granting internet access,
    agreement by agreement, fetched a page at a time (one query per agreement on it)."""

    def __init__(self, parts: list[tuple[Document, "RegisterRows"]]):
        self.parts = parts

    def __len__(self) -> int:
        return sum(len(rows) for _, rows in self.parts)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        found, offset = [], 0
        for document, rows in self.parts:
            low, high = max(start - offset, 0), min(stop - offset, len(rows))
            if low < high:
                found += [(document, row) for row in rows[low:high]]
            offset += len(rows)
        return found


def internet_access_listings(school, on=None) -> list["Listing"]:
    """Each agreement that grants internet access, with its whole-school figures: those
    of the coverage tables (the figures layer, cached until the school's signatures or
    people change), so one query for the agreements and one for their current versions,
    however many agreements. No figures by class or role: this register shows no groups."""
    on = on or timezone.localdate()
    documents = list(published_documents(school).filter(grants_internet_access=True).distinct())
    current: dict[int, Version] = {}
    for version in (
        Version.objects.filter(document__in=documents, status=VersionStatus.PUBLISHED)
        .defer("text")
        .order_by("document_id", "-number")
    ):
        current.setdefault(version.document_id, version)  # as `current_version()` finds it
    coverage = {title.pk: figures for title, figures in coverage_by_document(school, on)}
    listings = []
    for document in documents:
        figures, version = coverage.get(document.pk), current.get(document.pk)
        if figures is None or version is None or "trustee" in document.audience_roles:
            # Trustees aren't school members: their rows are counted apart (`members`).
            listings.append(register_listing(document, on))
        else:
            listings.append(Listing(document, version, on, total=figures, members=figures))
    return listings


def internet_access_statuses(listings, *, status: str = "") -> InternetRows:
    """The people of `internet_access_listings` (only those with `status`: SIGNED or
    NOT_SIGNED), each with their status: page these, then `internet_access_page`."""
    return InternetRows([(listing.document, listing.rows(status=status)) for listing in listings])


def internet_access_page(pairs) -> list[tuple[Document, Row]]:
    """One page of `internet_access_statuses` with each person's last signature: one
    query for the page, whichever agreements are on it."""
    last = {
        (document_id, subject_id): signed_at
        for document_id, subject_id, signed_at in Signature.objects.filter(
            version__document__in={document.pk for document, _ in pairs},
            subject_id__in={row["user_id"] for _, row in pairs},
        )
        .values("version__document_id", "subject_id")
        .annotate(last=Max("signed_at"))
        .values_list("version__document_id", "subject_id", "last")
        .order_by()
    }
    return [
        (
            document,
            Row(
                row["user_id"],
                row["user__full_name"],
                row["group"],
                row["status"],
                last.get((document.pk, row["user_id"])),
            ),
        )
        for document, row in pairs
    ]


# --- who must sign, and their status, in SQL --------------------------------------------
# Figures by class or role are one GROUP BY (`register_listing`); a page of rows is one
# query with the filters in WHERE and LIMIT/OFFSET (`Listing.rows`); names of who was
# asked and the last signature are fetched only for the rows shown (`page_rows`).

ROLE_RANK = Case(
    *(When(role=role, then=rank) for rank, role in enumerate(ROLE_ORDER)), default=len(ROLE_ORDER)
)


def audience_memberships(document, on):
    """Everyone who must sign, one row each: their membership in the school (for a parent
    agreement per child, the child's). The same audience as `audience.audience_pairs`,
    as one SQL filter. Trustees are not school members: see `_trustee_rows`."""
    members = Membership.objects.active(on).filter(school=document.school)
    roles = set(document.audience_roles)
    pupils = Q(role=Role.PUPIL)
    if document.audience_key_stages:
        pupils &= Q(year_group__in=years_in(document.audience_key_stages))
    who = Q(pk__in=[])
    staff_roles = roles & STAFF_ROLES
    if staff_roles:
        staff = Q(role__in=staff_roles)
        if document.audience_staff_types:
            staff &= ~Q(role=Role.STAFF) | Q(staff_type__in=document.audience_staff_types)
        who |= staff
    if Role.PUPIL in roles:
        who |= pupils
    if Role.PARENT in roles:
        links = ParentLink.objects.filter(ended_on__isnull=True)
        # Tested person by person from the school's own pupils or parents (two index
        # lookups each: the size of the school), never by reading every parent link of
        # the trust. A scalar subquery, not EXISTS or IN: PostgreSQL turns those into a
        # join that scans all the trust's links (it expects 30 pupils and finds 1,500).
        if document.parents_sign_for_each_child:
            # A child counts when a parent of theirs is a parent member of the school.
            parent_here = members.filter(role=Role.PARENT, user_id=OuterRef("parent_id"))
            linked = links.filter(child_id=OuterRef("user_id")).filter(Exists(parent_here))
            who |= pupils & Q(_any(linked))
        else:
            child_here = members.filter(pupils, user_id=OuterRef("child_id"))
            linked = links.filter(parent_id=OuterRef("user_id")).filter(Exists(child_here))
            who |= Q(role=Role.PARENT) & Q(_any(linked))
    matching = members.filter(who).annotate(rank=ROLE_RANK)
    if len(roles - {"trustee"}) <= 1:
        return matching  # one role: nobody can appear twice
    # Someone with two roles (a headteacher who is also the e-safety officer) counts once.
    better = matching.filter(user=OuterRef("user_id"), rank__lt=OuterRef("rank"))
    return matching.exclude(Exists(better))


def _any(queryset) -> Subquery:
    """True when `queryset` has a row, as a correlated scalar subquery (see above)."""
    return Subquery(queryset.order_by().values(found=Value(True))[:1], output_field=BooleanField())


def _with_status(queryset, document, version, on):
    """Annotate people (by their `user_id`) with whether they signed now or ever."""
    signatures = Signature.objects.filter(version__document=document, subject=OuterRef("user_id"))
    return queryset.annotate(
        is_current=Exists(signatures.filter(still_counts_q(document, version, on))),
        has_signed=Exists(signatures),
        status=Case(
            When(is_current=True, then=Value(SIGNED)),
            When(has_signed=True, then=Value(EXPIRED)),
            default=Value(OUTSTANDING),
        ),
    )


def annotated_subjects(document, version, on):
    return _with_status(audience_memberships(document, on), document, version, on)


GROUP_FIELDS = ["rank", "year_group", "role", "class_name", "staff_type"]
NOT_SIGNED = "not_signed"  # expired or outstanding: the internet register's "no access"
STATUS_Q = {
    SIGNED: Q(is_current=True),
    EXPIRED: Q(is_current=False, has_signed=True),
    OUTSTANDING: Q(has_signed=False),
    NOT_SIGNED: Q(is_current=False),
}
TRUSTEES = "Trustees"


def _counts(queryset):
    """Audience, signed and expired counted in SQL (annotated by `_with_status`)."""
    return queryset.annotate(
        audience=Count("pk"),
        signed=Count("pk", filter=Q(is_current=True)),
        expired=Count("pk", filter=Q(is_current=False, has_signed=True)),
    )


def _figures(row) -> Figures:
    audience, signed, expired = row["audience"], row["signed"], row["expired"]
    return Figures(audience, signed, expired, audience - signed - expired)


def _plus(a: Figures, b: Figures) -> Figures:
    return Figures(
        a.audience + b.audience,
        a.signed + b.signed,
        a.expired + b.expired,
        a.outstanding + b.outstanding,
    )


def _of_status(figures: Figures, status: str) -> int:
    if status == NOT_SIGNED:
        return figures.audience - figures.signed
    return getattr(figures, status) if status else figures.audience


class RegisterRows(Sequence):
    """A register's rows (dicts with `group`) in register order, fetched a page at a time:
    the school members' with LIMIT/OFFSET in SQL, then the trustees' (a handful). Its
    length comes from the figures already counted, so paging costs one query a page."""

    def __init__(self, members, member_count: int, trustees: list[dict], *, kept_as=None):
        # `members`: a queryset of the school members' rows, or a function returning one.
        self.members, self.member_count, self.trustees = members, member_count, trustees
        # (school id, name): each page of members is kept while the school's coverage
        # figures are fresh (a signature, membership or parent link changes them).
        self.kept_as = kept_as

    def __len__(self) -> int:
        return self.member_count + len(self.trustees)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        rows = []
        if start < self.member_count:
            rows = self._members(start, min(stop, self.member_count))
            for row in rows:
                row["group"] = _group_of(row)[1]
        first = max(start - self.member_count, 0)
        return rows + self.trustees[first : max(stop - self.member_count, 0)]

    def _members(self, start: int, stop: int) -> list[dict]:
        def fetch():
            members = self.members() if callable(self.members) else self.members
            return list(members[start:stop])

        if self.kept_as is None:
            return fetch()
        school_id, name = self.kept_as
        return while_fresh(school_id, f"{name}:{start}:{stop}", fetch, timeout=ROWS_KEPT_SECONDS)


@dataclass
class Listing:
    """A register's figures, counted in SQL, and its rows on demand (`rows`)."""

    document: Document
    version: Version | None
    on: datetime.date
    groups: list[tuple[str, Figures]] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)
    members: Figures = field(default_factory=Figures)  # the school members' share of total
    where: dict = field(default_factory=dict)  # group label -> SQL condition
    trustees: list[dict] = field(default_factory=list)

    def rows(self, *, status: str = "", group: str = "") -> RegisterRows:
        """Everyone (with one status, in one class or role) in register order."""
        if self.version is None or (group and group not in self.where and group != TRUSTEES):
            return RegisterRows(None, 0, [])
        figures = self.members
        if group:
            figures = dict(self.member_groups).get(group, Figures())

        def members():  # built only when a page is fetched: compiling it costs CPU
            found = (
                annotated_subjects(self.document, self.version, self.on)
                .order_by(*GROUP_FIELDS, "user__full_name", "user_id")
                .values("user_id", "user__full_name", "status", *GROUP_FIELDS)
            )
            if group:
                found = found.filter(self.where.get(group, Q(pk__in=[])))
            return found.filter(STATUS_Q[status]) if status else found

        trustees = [
            row
            for row in self.trustees
            if (not group or group == TRUSTEES)
            and (not status or row["status"] in _statuses(status))
        ]
        kept_as = (
            self.document.school_id,
            f"rows:{self.document.pk}:{self.version.pk}:{self.on.isoformat()}:{status}:{group}",
        )
        return RegisterRows(members, _of_status(figures, status), trustees, kept_as=kept_as)

    @property
    def member_groups(self) -> list[tuple[str, Figures]]:
        return [(label, figures) for label, figures in self.groups if label in self.where]


def _statuses(status: str) -> set[str]:
    return {EXPIRED, OUTSTANDING} if status == NOT_SIGNED else {status}


def register_listing(document, on=None) -> Listing:
    """A register's figures by class or role and for the whole school: one GROUP BY in
    SQL over everyone who must sign (plus one query for the version, and one for the
    trustees when they sign), whatever the size of the school."""
    on = on or timezone.localdate()
    # The current version as `current_version()` finds it, without its text (not shown).
    version = document.versions.filter(status=VersionStatus.PUBLISHED).defer("text").first()
    listing = Listing(document, version, on)
    if version is None:
        return listing
    groups: dict[str, Figures] = {}
    where: dict[str, Q] = {}
    for row in _group_counts(document, version, on):
        label = _group_of(row)[1]
        figures = _figures(row)
        groups[label] = _plus(groups.get(label, Figures()), figures)
        combination = Q(**{name: row[name] for name in GROUP_FIELDS if name != "rank"})
        where[label] = where[label] | combination if label in where else combination
        listing.members = _plus(listing.members, figures)
    listing.total = listing.members
    if "trustee" in document.audience_roles:
        # Trustees aren't school members; one who is (and must sign as one) counts once.
        trustees = TrusteeMembership.objects.active(on).filter(trust=document.school.trust_id)
        audience = annotated_subjects(document, version, on)
        trustees = trustees.exclude(user__in=audience.values("user_id"))
        listing.trustees = [
            {**row, "group": TRUSTEES}
            for row in _with_status(trustees, document, version, on)
            .order_by("user__full_name", "user_id")
            .values("user_id", "user__full_name", "status")
        ]
        if listing.trustees:
            figures = Figures()
            for row in listing.trustees:
                figures.add(row["status"])
            groups[TRUSTEES] = figures
            listing.total = _plus(listing.total, figures)
    listing.groups, listing.where = list(groups.items()), where
    return listing


def _group_counts(document, version, on) -> list[dict]:
    """The register's GROUP BY (`_counts` by GROUP_FIELDS over everyone who must sign),
    cached while fresh: the count reads every pupil's signatures, most of a register's
    database time (and building its query, of its CPU)."""

    def count():
        audience = annotated_subjects(document, version, on)
        return list(_counts(audience.order_by(*GROUP_FIELDS).values(*GROUP_FIELDS)))

    return while_fresh(
        document.school_id, f"groups:{document.pk}:{version.pk}:{on.isoformat()}", count
    )


def page_rows(document, rows) -> list[Row]:
    """One page of the register: each person's last signature, and for a parent agreement
    the parents asked to sign (one query each for the page, not for the school)."""
    rows = list(rows)
    ids = [row["user_id"] for row in rows]
    last = dict(
        Signature.objects.filter(version__document=document, subject_id__in=ids)
        .values("subject_id")
        .annotate(last=Max("signed_at"))
        .values_list("subject_id", "last")
    )
    asked: dict[int, list[str]] = {}
    if document.parents_sign_for_each_child:
        links = ParentLink.objects.filter(
            ended_on__isnull=True,
            child_id__in=ids,
            parent__memberships__in=Membership.objects.active().filter(
                school=document.school, role=Role.PARENT
            ),
        )
        for child, name in links.values_list("child_id", "parent__full_name"):
            asked.setdefault(child, []).append(name)
    return [
        Row(
            row["user_id"],
            row["user__full_name"],
            row["group"],
            row["status"],
            last.get(row["user_id"]),
            ", ".join(sorted(asked.get(row["user_id"], []))),
        )
        for row in rows
    ]


def register_for(document: Document, on: datetime.date | None = None) -> Register:
    """The whole register, every row with its names and dates: CSV, internet access."""
    listing = register_listing(document, on)
    return Register(
        document=document,
        rows=page_rows(document, listing.rows()),
        groups=listing.groups,
        total=listing.total,
    )
