"""The termly report reminder: the headteacher hears three weeks before the term ends,
once per school and term, unless the report is already signed."""

from django.urls import reverse
from django.utils import timezone

from esafety.models import Role, School
from esafety.notifications import notify
from esafety.services import holders
from esafety.sweeps import sweep_job, sweep_key

from .models import ReportStatus, TermlyReport
from .terms import REMIND_BEFORE_END, term_on


@sweep_job("governance.report_reminder")
def report_reminder(sweep):
    today = timezone.localdate(sweep.now)
    term = term_on(today)
    if not (term.ends - REMIND_BEFORE_END <= today <= term.ends):
        return
    signed = set(
        TermlyReport.objects.filter(
            term=term.key, status=ReportStatus.SIGNED, school__isnull=False
        ).values_list("school_id", flat=True)
    )
    for school in School.objects.exclude(pk__in=signed):
        heads = holders(school, Role.HEADTEACHER)
        if not heads:
            continue
        sweep.once(
            sweep_key("governance", school.pk, term.key, "report-reminder"),
            lambda s=school, heads=heads: _remind(s, heads, term),
        )


def _remind(school, heads, term):
    for head in heads:
        notify(
            head,
            title=f"The termly online-safety report for {school.name} is due by "
            f"{term.ends:%-d %B %Y}",
            body="Write a few lines for the governors and sign it; the figures are filled in.",
            link=reverse("governance-reports"),
        )
