"""Demo termly reports for `manage.py seed_demo`: last term's, signed, and this term's
draft with last term's text offered. Fictional, and only when a school has none."""

from django.utils import timezone

from esafety.models import Role
from esafety.services import holders

from . import services
from .models import TermlyReport
from .pdf import render_signed
from .terms import term_on

LAST_TERM = (
    "Incidents were mostly about group chats outside school; the Year 6 assembly on "
    "kindness online helped. Staff training is up to date apart from two new starters, "
    "booked for next month. The filtering review found no gaps."
)


def seed(schools):
    term = term_on(timezone.localdate())
    for school in schools.values():
        heads = holders(school, Role.HEADTEACHER)
        if not heads or TermlyReport.objects.filter(school=school).exists():
            continue
        head = heads[0]
        last = services.start_report(trust=school.trust, school=school, term=term.previous, by=head)
        services.save_narrative(report=last, by=head, narrative=LAST_TERM)
        services.sign_report(report=last, by=head, render=render_signed)
        services.start_report(trust=school.trust, school=school, term=term, by=head)
