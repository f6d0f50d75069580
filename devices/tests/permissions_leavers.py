"""The leaver checklist's rows of the permission matrix: IT support and the school's
leads; other staff, pupils, parents and trustees 403 (school pages) or 404 (a checklist);
another school 404."""

from django.utils import timezone

from devices import leavers
from devices.tests import factories
from devices.tests.permissions import DEVICE_PEOPLE, DEVICE_RECORD
from esafety.models import Membership, Role
from esafety.testing import Route, person
from risks.tests.factories import make_risk

RISK_TITLE = "Shared passwords on the staff laptops"


def school(p):
    return {"slug": p.school.slug}


def a_checklist(p):
    """A teaching assistant who left today, with a laptop on loan and a risk they own."""
    leaver = person(p.school, Role.STAFF, name="Lee Leaver")
    factories.lend(p, borrower=leaver, hand_over=True)
    make_risk(p.school, p.esafety_officer, owners=[leaver], title=RISK_TITLE)
    membership = Membership.objects.get(user=leaver, school=p.school)
    membership.ended_on = timezone.localdate()
    membership.save()
    return {"pk": leavers.open_checklist(membership=membership).pk}


def hand_over_data(p):
    from risks.models import Risk

    risk = Risk.objects.get(school=p.school, title=RISK_TITLE)  # still there once handed over
    return {"source": "risks.owned", "item": risk.pk, "to": p.teacher.pk}


POSTED = {**DEVICE_RECORD, "headteacher": 302, "esafety_officer": 302, "technician": 302}

ROUTES = [
    Route("leaver-checklists", DEVICE_PEOPLE, kwargs=school),
    Route("leaver-checklist", DEVICE_RECORD, kwargs=a_checklist),
    Route("leaver-accounts", DEVICE_RECORD, kwargs=a_checklist),
    Route("leaver-hand-over", POSTED, kwargs=a_checklist, method="post", data=hand_over_data),
    Route("leaver-complete", POSTED, kwargs=a_checklist, method="post"),
]
