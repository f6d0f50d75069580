"""The termly report's do-once steps clicked several times at the same moment, through a
real server on the project's database (SQLite, or PostgreSQL in CI): signed once (one
PDF, the trustees told once), read once per trustee, and every click lands on the report."""

import pytest
from django.urls import reverse

from esafety.models import Notification
from esafety.testing_http import clicked_at_once
from governance import services
from governance.models import ReportRead
from governance.pdf import render_signed
from governance.terms import Term

pytestmark = pytest.mark.django_db(transaction=True)
AUTUMN = Term(2026, "autumn")


def _drafted(p):
    report = services.start_report(
        trust=p.school.trust, school=p.school, term=AUTUMN, by=p.headteacher
    )
    return services.save_narrative(report=report, by=p.headteacher, narrative="A calm term.")


def test_signing_at_once_signs_once_and_tells_each_trustee_once(personas, http_server):
    p = personas
    report = _drafted(p)
    path = reverse("governance-report-sign", args=[report.pk])
    landed = clicked_at_once(http_server, path, p.headteacher)
    assert landed == {report.get_absolute_url()}
    report.refresh_from_db()
    assert report.is_signed and report.signed_by == p.headteacher
    assert [h.signed_at is not None for h in report.history.all()].count(True) == 1
    told = Notification.objects.filter(recipient=p.trustee, title__contains="report to read")
    assert told.count() == 1


def test_marking_read_at_once_counts_one_read(personas, http_server):
    p = personas
    report = services.sign_report(report=_drafted(p), by=p.headteacher, render=render_signed)
    path = reverse("governance-report-read", args=[report.pk])
    landed = clicked_at_once(http_server, path, p.trustee)
    assert landed == {report.get_absolute_url()}
    assert ReportRead.objects.filter(report=report, reader=p.trustee).count() == 1
