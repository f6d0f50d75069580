"""Training's rows of the permission matrix: own records for everyone on the staff and
trustees, the whole school for its leads, figures without names for trustees, the
sessions they were invited to for parents, nothing for pupils."""

import datetime

from django.utils import timezone

from esafety.testing import Route, expect, school_managers_only
from training import services
from training.models import CPDRequest
from training.tests import factories
from training.tests.factories import certificate, requirement

MANAGERS = school_managers_only()
MANAGERS_ACT = school_managers_only(302)
STAFF_AND_TRUSTEES = expect(200, pupil=403, parent=403)
STAFF = expect(200, pupil=403, parent=403, trustee=403, chair=403)
FIGURES = expect(
    403, headteacher=200, esafety_officer=200, other_school_headteacher=200, trustee=200, chair=200
)
# Someone's own record: they and their school's leads; everyone else can't find it.
OWN_RECORD = expect(404, teacher=200, headteacher=200, esafety_officer=200)


def school(p):
    return {"slug": p.school.slug}


def teachers_record(p):
    req = requirement(p.school)
    found = services.record_training(
        person=p.teacher,
        school=p.school,
        by=p.teacher,
        requirement=req,
        completed_on=timezone.localdate(),
        certificate=certificate(),
    )
    return {"pk": found.pk}


def planned_record(p):
    cpd = services.ask_for_cpd(school=p.school, by=p.teacher, topic="Online grooming")
    decided = services.decide_cpd(
        request=cpd,
        by=p.esafety_officer,
        approve=True,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    return {"pk": decided.planned_record_id}


def school_requirement(p):
    return {"slug": p.school.slug, "pk": requirement(p.school).pk}


def cpd_request(p):
    cpd = services.ask_for_cpd(school=p.school, by=p.teacher, topic="Online grooming")
    return {"slug": p.school.slug, "pk": CPDRequest.objects.get(pk=cpd.pk).pk}


def parent_session(p):
    found = factories.parent_session(
        p, starts_in=datetime.timedelta(days=7), topic="Gaming and chat"
    )
    return {"slug": p.school.slug, "pk": found.pk}


ROUTES = [
    Route("training-mine", STAFF_AND_TRUSTEES),
    Route("training-mine-pdf", STAFF_AND_TRUSTEES),
    Route("training-record-add", STAFF_AND_TRUSTEES),
    Route("training-record", OWN_RECORD, kwargs=teachers_record),
    Route("training-record-certificate", OWN_RECORD, kwargs=teachers_record),
    # Leads verify (then are sent back to the record); nobody verifies their own.
    Route(
        "training-record-verify",
        OWN_RECORD | {"teacher": 403, "headteacher": 302, "esafety_officer": 302},
        kwargs=teachers_record,
        method="post",
    ),
    Route(
        "training-record-complete",
        OWN_RECORD | {"headteacher": 403, "esafety_officer": 403},
        kwargs=planned_record,
    ),
    Route("training-cpd-mine", STAFF),
    Route("training-lessons", STAFF),
    Route("training-figures", FIGURES),
    Route("training-parent-invitations", expect(403, parent=200)),
    Route("training-matrix", MANAGERS, kwargs=school),
    Route("training-matrix-csv", MANAGERS, kwargs=school),
    Route("training-matrix-print", MANAGERS, kwargs=school),
    Route("training-matrix-pdf", MANAGERS, kwargs=school),
    Route("training-requirements", MANAGERS, kwargs=school),
    Route("training-requirements", MANAGERS_ACT, kwargs=school, method="post"),
    Route("training-requirement-add", MANAGERS, kwargs=school),
    Route("training-requirement", MANAGERS, kwargs=school_requirement),
    Route("training-requirement-edit", MANAGERS, kwargs=school_requirement),
    Route("training-requirement-remind", MANAGERS_ACT, kwargs=school_requirement, method="post"),
    Route("training-session", MANAGERS, kwargs=school),
    Route("training-inbox", MANAGERS, kwargs=school),
    Route("training-cpd-decide", MANAGERS, kwargs=cpd_request),
    Route("training-parent-sessions", MANAGERS, kwargs=school),
    Route("training-parent-session", MANAGERS, kwargs=parent_session),
    Route("training-parent-session-invite", MANAGERS_ACT, kwargs=parent_session, method="post"),
    Route("training-curriculum", MANAGERS, kwargs=school),
    Route("api-training-records", expect(401, anonymous=401), method="post"),
]
