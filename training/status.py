"""Where each person stands on each requirement: the one calculation that the matrix,
My training, the requirement page, the reminders, the panels and the figures share.

`standing()` is pure arithmetic on dates; `school_standings()` loads what it needs for
any number of schools in a fixed number of queries (none per person) and applies it.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from esafety.models import STAFF_ROLES, Membership, Role, School, TrusteeMembership

from .models import (
    DUE_SOON,
    SIGN_WITHIN_DAYS,
    TRUSTEE,
    Evidence,
    Requirement,
    TrainingRecord,
    add_months,
)

DONE, DUE, OVERDUE, MISSING = "done", "due", "overdue", "missing"
STATUS_LABELS = {DONE: "Done", DUE: "Due soon", OVERDUE: "Overdue", MISSING: "Missing"}
STATUS_ORDER = [OVERDUE, MISSING, DUE, DONE]


@dataclass(frozen=True)
class Standing:
    status: str
    done_on: datetime.date | None = None
    due_on: datetime.date | None = None  # when it expires or falls due
    verified: bool = True

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def standing(
    requirement, *, joined_on, done_on, today, verified=True, version_published_on=None
) -> Standing:
    """Done, due (within 30 days), overdue or missing, from the last time it was done.

    For a requirement met by signing a document, `done_on` is the date of the person's
    signature that still counts for the current version, and `version_published_on` the
    day that version asked for signatures."""
    if requirement.evidence == Evidence.SIGNATURE:
        if done_on is not None:
            return Standing(DONE, done_on, None, verified)
        if version_published_on is None:
            return Standing(MISSING)
        start = max(joined_on, version_published_on)
        return _due_by(start + datetime.timedelta(days=SIGN_WITHIN_DAYS), today)
    if done_on is not None:
        expires = (
            add_months(done_on, requirement.renew_months) if requirement.renew_months else None
        )
        if expires is None or expires - today > DUE_SOON:
            return Standing(DONE, done_on, expires, verified)
        return Standing(DUE if expires > today else OVERDUE, done_on, expires, verified)
    if requirement.induction_days is not None:
        return _due_by(joined_on + datetime.timedelta(days=requirement.induction_days), today)
    return Standing(MISSING)


def _due_by(due_on, today) -> Standing:
    return Standing(DUE if due_on >= today else OVERDUE, None, due_on)


# --- who must have what ---------------------------------------------------------------------


@dataclass
class Person:
    user_id: int
    name: str
    school_id: int
    roles: set = field(default_factory=set)
    staff_types: set = field(default_factory=set)
    joined_on: datetime.date | None = None
    is_trustee: bool = False

    @property
    def description(self) -> str:
        if self.is_trustee and not self.roles:
            return "Trustee"
        labels = dict(Role.choices)
        order = [Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.TECHNICIAN, Role.STAFF]
        return ", ".join(labels[r] for r in order if r in self.roles)

    def must_have(self, requirement) -> bool:
        audience = set(requirement.audience_roles)
        held = self.roles & audience
        if Role.STAFF in held and requirement.audience_staff_types and held == {Role.STAFF}:
            held = held if self.staff_types & set(requirement.audience_staff_types) else set()
        applies = bool(held) or (self.is_trustee and TRUSTEE in audience)
        if applies and requirement.new_starters_only:
            return self.joined_on >= requirement.starts_on
        return applies


@dataclass
class SchoolStandings:
    school: School
    requirements: list
    people: list  # Person, by name
    cells: dict  # (user id, requirement id) -> Standing, only where it applies

    def cell(self, person, requirement):
        return self.cells.get((person.user_id, requirement.pk))

    def for_requirement(self, requirement):
        return [(p, s) for p in self.people if (s := self.cell(p, requirement)) is not None]


def school_standings(
    school_ids, today, *, requirements=None, user_id=None
) -> dict[int, SchoolStandings]:
    """Everyone who must have training in each school (staff in post and the trust's
    trustees; leavers drop out), or only `user_id`, and where they stand on each active
    requirement."""
    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids)}
    if requirements is None:
        requirements = Requirement.objects.filter(school_id__in=schools, is_active=True)
    requirements = list(requirements.select_related("document__school").order_by("title", "pk"))
    people = people_in(schools, today, user_id=user_id)
    done = _last_done(schools, people, requirements)
    signed, published = _signatures(requirements, people, today)
    result = {}
    for school_id, school in schools.items():
        reqs = [r for r in requirements if r.school_id == school_id]
        cells = {}
        for person in people.get(school_id, []):
            for requirement in reqs:
                if not person.must_have(requirement):
                    continue
                if requirement.evidence == Evidence.SIGNATURE:
                    last, verified = signed.get((person.user_id, requirement.document_id)), True
                else:
                    last, verified = done.get(
                        (person.user_id, requirement.code or requirement.pk), (None, True)
                    )
                cells[(person.user_id, requirement.pk)] = standing(
                    requirement,
                    joined_on=person.joined_on,
                    done_on=last,
                    today=today,
                    verified=verified,
                    version_published_on=published.get(requirement.document_id),
                )
        result[school_id] = SchoolStandings(school, reqs, people.get(school_id, []), cells)
    return result


def schools_counting(school, person_ids) -> set[int]:
    """The schools whose figures a record for these people changes: in the record's trust,
    where they work, and every school for a trustee (standard training counts trust-wide)."""
    in_trust = School.objects.filter(trust_id=school.trust_id)
    found = set(in_trust.filter(memberships__user_id__in=person_ids).values_list("pk", flat=True))
    trustees = TrusteeMembership.objects.filter(trust_id=school.trust_id, user_id__in=person_ids)
    if trustees.exists():
        found |= set(in_trust.values_list("pk", flat=True))
    return found | {school.pk}


def people_in(schools, today, *, user_id=None) -> dict[int, list[Person]]:
    """Staff in post in each school and the trustees of its trust, by name."""
    if not isinstance(schools, dict):
        schools = {s.pk: s for s in School.objects.filter(pk__in=schools)}
    by_school: dict[int, dict[int, Person]] = {s: {} for s in schools}
    memberships = (
        Membership.objects.active(today)
        .filter(school_id__in=schools, role__in=STAFF_ROLES, user__is_active=True)
        .filter(**({"user_id": user_id} if user_id else {}))
        .values_list("school_id", "user_id", "user__full_name", "role", "staff_type", "started_on")
    )
    for school_id, member_id, name, role, staff_type, started_on in memberships:
        person = by_school[school_id].setdefault(member_id, Person(member_id, name, school_id))
        person.roles.add(role)
        if staff_type:
            person.staff_types.add(staff_type)
        person.joined_on = min(filter(None, [person.joined_on, started_on]))
    trust_of = {s.pk: s.trust_id for s in schools.values()}
    trustees = (
        TrusteeMembership.objects.active(today)
        .filter(trust_id__in=set(trust_of.values()), user__is_active=True)
        .filter(**({"user_id": user_id} if user_id else {}))
        .values_list("trust_id", "user_id", "user__full_name", "started_on")
    )
    for trust_id, trustee_id, name, started_on in trustees:
        for school_id in (s for s, t in trust_of.items() if t == trust_id):
            person = by_school[school_id].setdefault(
                trustee_id, Person(trustee_id, name, school_id)
            )
            person.is_trustee = True
            person.joined_on = min(filter(None, [person.joined_on, started_on]))
    return {
        s: sorted(found.values(), key=lambda p: (p.name.lower(), p.user_id))
        for s, found in by_school.items()
    }


def _last_done(schools, people, requirements) -> dict:
    """(user id, code or requirement id) -> (last date done, that record verified). A
    requirement with a standard code counts training recorded against the same code in
    any school of the trust (staff who move, trustees who serve every school)."""
    user_ids = {p.user_id for found in people.values() for p in found}
    reqs = [r for r in requirements if r.evidence != Evidence.SIGNATURE]
    if not user_ids or not reqs:
        return {}
    code_of = codes_in_trusts(reqs, {s.trust_id for s in schools.values()})
    rows = (
        TrainingRecord.objects.filter(
            person_id__in=user_ids,
            completed_on__isnull=False,
            requirement_id__in={r.pk for r in reqs if not r.code} | set(code_of),
        )
        .values("person_id", "requirement_id")
        .annotate(
            last=Max("completed_on"),
            last_verified=Max("completed_on", filter=Q(verified_at__isnull=False)),
        )
        .order_by()
    )
    found: dict = {}
    for row in rows:
        key = (row["person_id"], code_of.get(row["requirement_id"]) or row["requirement_id"])
        last, verified = found.get(key, (None, True))
        if last is None or row["last"] > last:
            last = row["last"]
            verified = row["last_verified"] == row["last"]
        elif row["last"] == last:
            verified = verified or row["last_verified"] == row["last"]
        found[key] = (last, verified)
    return found


def codes_in_trusts(requirements, trust_ids) -> dict[int, str]:
    """Requirement id -> code, for every requirement of these trusts sharing a code with
    one of `requirements`: training recorded against any of them counts for all. Looked
    up first (a few hundred rows), so records are read by requirement id alone: no join
    over years of records."""
    codes = {r.code for r in requirements if r.code}
    if not codes:
        return {}
    return dict(
        Requirement.objects.filter(code__in=codes, school__trust_id__in=trust_ids).values_list(
            "pk", "code"
        )
    )


def _signatures(requirements, people, today):
    """(user id, document id) -> date of the signature that counts now, and document id ->
    the day its signatures were last asked for: its current version's publication, or for a
    document signed again every school year, this school year's first day if later. Uses
    the agreements app's public pieces: the document's current version and its one
    definition of what still counts."""
    from agreements.models import Signature

    counts, published = signatures_asked(requirements, today)
    if counts is None:
        return {}, {}
    user_ids = {p.user_id for found in people.values() for p in found}
    rows = (
        Signature.objects.filter(counts, subject_id__in=user_ids, is_withdrawal=False)
        .values("subject_id", "version__document_id")
        .annotate(last=Max("signed_at"))
        .order_by()
    )
    signed = {
        (r["subject_id"], r["version__document_id"]): timezone.localdate(r["last"]) for r in rows
    }
    return signed, published


def signatures_asked(requirements, today):
    """For the requirements met by signing a document: a Q on Signature for the signatures
    that count now (None if there are no such requirements), and document id -> the day
    its signatures were last asked for."""
    from agreements.counting import still_counts_q
    from agreements.models import Version

    documents = {
        r.document for r in requirements if r.evidence == Evidence.SIGNATURE and r.document
    }
    if not documents:
        return None, {}
    versions = {
        v.document_id: v for v in Version.objects.filter(document__in=documents, status="published")
    }
    published = {}
    for document in documents:
        version = versions.get(document.pk)
        if version is None or version.published_at is None:
            continue
        asked = timezone.localdate(version.published_at)
        if document.renew_every_year:
            asked = max(asked, document.school.academic_year_start(today))
        published[document.pk] = asked
    counts = Q(pk__in=[])
    for document in documents:
        if document.pk in versions:
            counts |= still_counts_q(document, versions[document.pk], today)
    return counts, published
