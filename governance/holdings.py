"""What the governance app holds about a person, for a subject access request: the
school's termly online-safety reports they started or signed, and the signed ones they
marked read (a trustee). A report's words name no pupil or member of staff (its form
says so), so the record is their part in it, not the report. The trust's own reports
belong to the trust, not the school: not here.

Only reports the searcher may open: the school's leads and its trust's trustees
(`governance.view_school`), a draft only the leads (`report_scope_q`); `report_scope_q`
alone lets staff know a signed report exists, not read it. One query."""

from django.db.models import Exists, OuterRef, Q, Subquery

from esafety.roles import allowed
from esafety.subject_access.holdings import Held, register_holding

from .models import ReportRead, TermlyReport
from .rules import report_scope_q


def _at(value) -> str:
    return f"{value:%-d %B %Y, %H:%M}" if value else ""


def held_about(person, *, searcher, school) -> list[Held]:
    if not allowed(searcher, "governance.view_school", school):
        return []
    reads = ReportRead.objects.filter(report=OuterRef("pk"), reader=person)
    reports = (
        TermlyReport.objects.filter(report_scope_q(searcher), school=school)
        .annotate(read=Exists(reads), read_at=Subquery(reads.values("read_at")[:1]))
        .filter(Q(created_by=person) | Q(signed_by=person) | Q(read=True))
        .order_by("term", "pk")
    )
    found = []
    for report in reports:
        part = []
        if report.created_by_id == person.pk:
            part.append("started it")
        if report.signed_by_id == person.pk:
            part.append("signed it")
        if report.read:
            part.append("marked it read")
        details = [
            ("Report", f"Online-safety report, {report.term_label}"),
            ("Their part", ", ".join(part).capitalize()),
            ("Status", report.get_status_display()),
            ("Signed", _at(report.signed_at) if report.signed_by_id == person.pk else ""),
            ("Marked read", _at(report.read_at)),
        ]
        found.append(
            Held(
                kind="Termly report",
                title=f"Online-safety report, {report.term_label}",
                date=(report.signed_at or report.created_at).date(),
                url=report.get_absolute_url(),
                ref=f"report:{report.pk}",
                details=tuple((label, value) for label, value in details if value),
            )
        )
    return found


register_holding("governance", held_about, label="Termly reports")
