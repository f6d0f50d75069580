"""The governance app's rows of the permission matrix."""

import hashlib

from esafety.testing import Route, expect, school_managers_only
from governance.models import ReportStatus, TermlyReport
from governance.terms import term_on

# Trustees and the leads of any school: the menu's pages.
USERS = expect(
    403, headteacher=200, esafety_officer=200, other_school_headteacher=200, trustee=200, chair=200
)
TRUSTEES = expect(403, trustee=200, chair=200)
CHAIR = expect(403, chair=200)
# One school's dashboard: its leads and the trust's trustees; another school's people 404.
SCHOOL = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    trustee=200,
    chair=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)


def trust(p):
    return {"pk": p.school.trust_id}


def school(p):
    return {"slug": p.school.slug}


def draft_report(p):
    from django.utils import timezone

    report = TermlyReport.objects.create(
        trust=p.school.trust,
        school=p.school,
        term=term_on(timezone.localdate()).key,
        created_by=p.headteacher,
        narrative="A quiet term.",
    )
    return {"pk": report.pk}


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.write(buffer)
    return buffer.getvalue()


def signed_report(p):
    from django.utils import timezone

    pdf = _blank_pdf()  # a real (empty) PDF: tests read what a trustee downloads
    report = TermlyReport.objects.create(
        trust=p.school.trust,
        school=p.school,
        term=term_on(timezone.localdate()).previous.key,
        created_by=p.headteacher,
        narrative="Signed last term.",
        status=ReportStatus.SIGNED,
        signed_by=p.headteacher,
        signed_at=timezone.now(),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    return {"pk": report.pk}


# A signed report: the school's leads and the trust's trustees. A draft: the school's leads
# only; to everyone else it does not exist (trustees see only what the head has signed).
REPORT_VIEWERS = SCHOOL
DRAFT_VIEWERS = expect(404, headteacher=200, esafety_officer=200)
ROUTES = [
    Route(
        "governance-home",
        expect(
            403,
            headteacher=302,
            esafety_officer=302,
            other_school_headteacher=302,
            trustee=302,
            chair=302,
        ),
    ),
    Route("governance-definitions", USERS),
    Route("governance-reports", USERS),
    Route("governance-trust", TRUSTEES, kwargs=trust),
    Route("governance-trust-csv", TRUSTEES, kwargs=trust),
    Route("governance-settings", CHAIR, kwargs=trust),
    Route(
        "governance-settings",
        expect(403, chair=302),
        kwargs=trust,
        method="post",
        data=lambda p: {"small_counts_under": "0"},
    ),
    Route("governance-trust-report-start", expect(405), kwargs=trust),
    Route("governance-trust-report-start", expect(403, chair=302), kwargs=trust, method="post"),
    Route("governance-school", SCHOOL, kwargs=school),
    Route("governance-school-csv", SCHOOL, kwargs=school),
    Route("governance-overdue-actions", school_managers_only(), kwargs=school),
    Route("governance-school-report-start", expect(405), kwargs=school),
    Route(
        "governance-school-report-start",
        expect(403, headteacher=302, other_school_teacher=404, other_school_headteacher=404),
        kwargs=school,
        method="post",
    ),
    Route("governance-report", DRAFT_VIEWERS, kwargs=draft_report),
    Route("governance-report", REPORT_VIEWERS, kwargs=signed_report),
    Route("governance-report-pdf", REPORT_VIEWERS, kwargs=signed_report),
    Route(
        "governance-report",
        expect(404, headteacher=302, esafety_officer=403),
        kwargs=draft_report,
        method="post",
        data=lambda p: {"narrative": "Better than last term."},
    ),
    Route("governance-report-pdf", DRAFT_VIEWERS, kwargs=draft_report),
    Route("governance-report-sign", expect(405), kwargs=draft_report),
    Route(
        "governance-report-sign",
        # The headteacher (asked first) signs it; then it is signed, so the others meet the rule.
        expect(403, headteacher=302, other_school_teacher=404, other_school_headteacher=404),
        kwargs=draft_report,
        method="post",
    ),
    Route("governance-report-read", expect(405), kwargs=signed_report),
    Route(
        "governance-report-read",
        expect(
            403,
            trustee=302,
            chair=302,
            other_school_teacher=404,
            other_school_headteacher=404,
        ),
        kwargs=signed_report,
        method="post",
    ),
    Route("api-figures", expect(401, anonymous=401)),
]
