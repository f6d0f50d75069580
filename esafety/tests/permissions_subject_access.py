"""The subject access register's rows of the permission matrix: the school's
headteacher and e-safety officer only; another school's people don't find it."""

import datetime

from esafety.models_subject_access import RequesterKind
from esafety.subject_access import services
from esafety.testing import Route, school_managers_only


def school(p):
    return {"slug": p.school.slug}


def open_request(p):
    """A parent's request about their child, in the register."""
    sar = services.record_request(
        school=p.school,
        by=p.esafety_officer,
        subject=p.pupil,
        requester_kind=RequesterKind.PARENT,
        requester_name="Pat Parent",
        requester_contact="pat@example.org",
        received_on=datetime.date.today() - datetime.timedelta(days=3),
        received_how="email",
        parent_authority="Poppy is 8: too young to decide.",
    )
    return {"slug": p.school.slug, "pk": sar.pk}


def new_request(p):
    return {
        "requester_kind": RequesterKind.STAFF,
        "subject": p.teacher.pk,
        "requester_name": "Terry Teacher",
        "requester_contact": "terry@example.org",
        "received_on": datetime.date.today().isoformat(),
        "received_how": "email",
    }


def identity(p):
    return {"how": "Known to the office; asked in person."}


SAR = school_managers_only()
SAR_DONE = school_managers_only(302)

ROUTES = [
    Route("sar-list", SAR, school),
    Route("sar-add", SAR, school),
    Route("sar-add", SAR_DONE, school, method="post", data=new_request),
    Route("sar-detail", SAR, open_request),
    Route("sar-handler", SAR, open_request),
    Route(
        "sar-handler",
        SAR_DONE,
        open_request,
        method="post",
        data=lambda p: {"handled_by": p.headteacher.pk},
    ),
    Route("sar-identity", SAR, open_request),
    Route("sar-identity", SAR_DONE, open_request, method="post", data=identity),
    Route("sar-extend", SAR, open_request),
    Route("sar-search", SAR, open_request),
    Route("sar-search", SAR_DONE, open_request, method="post", data=lambda p: {}),
    Route("sar-pdf", SAR, open_request),
    Route("sar-sent", SAR, open_request),
    Route("sar-close", SAR, open_request),
    Route(
        "sar-close",
        SAR_DONE,
        open_request,
        method="post",
        data=lambda p: {"status": "withdrawn", "reason": "They wrote to withdraw it."},
    ),
]
