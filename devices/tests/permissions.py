"""The devices app's rows of the permission matrix."""

from datetime import timedelta

from django.utils import timezone

from devices.models import Software
from devices.tests import factories
from esafety.testing import Route, expect, school_managers_only

# School pages of the inventory, loans and disposals: technicians and leads.
DEVICE_PEOPLE = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    technician=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)
# A record of this school's inventory: out of scope for everyone else.
DEVICE_RECORD = expect(404, headteacher=200, esafety_officer=200, technician=200)
STAFF_HERE = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    technician=200,
    teacher=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)
BREACH_RECORD = expect(404, headteacher=200, esafety_officer=200)


def school(p):
    return {"slug": p.school.slug}


def a_device(p):
    return {"pk": factories.device(p.school).pk}


def software(p):
    item = Software.objects.create(
        school=p.school, name="Maths app", purpose="Homework", used_by="pupils"
    )
    return {"pk": item.pk}


def disposal_file(p):
    return {"pk": factories.disposal(p).pk, "which": "certificate"}


def disposal_record(p):
    return {"pk": factories.disposal(p).pk}


def pupil_loan(p):
    return {"pk": factories.lend(p).pk}


def pupil_loan_out(p):
    return {"pk": factories.lend(p, hand_over=True).pk}


def confiscation(p):
    return {"pk": factories.confiscation(p).pk}


def search(p):
    return {"pk": factories.search(p).pk}


def pupil(p):
    return {"slug": p.school.slug, "user_pk": p.pupil.pk}


def breach(p):
    return {"pk": factories.breach(p).pk}


def escalated_breach(p):
    item = factories.breach(p, became_aware_at=timezone.now() - timedelta(hours=61))
    item.escalated_at = timezone.now()
    item.save()
    return {"pk": item.pk}


ROUTES = [
    Route("devices-inventory", DEVICE_PEOPLE, kwargs=school),
    Route("devices-export", DEVICE_PEOPLE, kwargs=school),
    Route("devices-non-compliant", DEVICE_PEOPLE, kwargs=school),
    Route("devices-check", DEVICE_PEOPLE, kwargs=school),
    Route("devices-import", DEVICE_PEOPLE, kwargs=school),
    Route("devices-import-template", DEVICE_PEOPLE, kwargs=school),
    Route("devices-settings", DEVICE_PEOPLE, kwargs=school),
    Route("device-add", DEVICE_PEOPLE, kwargs=school),
    Route("device-detail", DEVICE_RECORD, kwargs=a_device),
    Route("device-edit", DEVICE_RECORD, kwargs=a_device),
    Route("device-report-loss", DEVICE_RECORD, kwargs=a_device),
    Route("software", DEVICE_PEOPLE, kwargs=school),
    Route("software-add", DEVICE_PEOPLE, kwargs=school),
    Route("software-edit", DEVICE_RECORD, kwargs=software),
    Route("disposals", DEVICE_PEOPLE, kwargs=school),
    Route("disposals-export", DEVICE_PEOPLE, kwargs=school),
    Route("disposal-add", DEVICE_PEOPLE, kwargs=school),
    Route("disposal-file", DEVICE_RECORD, kwargs=disposal_file),
    Route("disposal-pdf", DEVICE_RECORD, kwargs=disposal_record),
    Route("loans", DEVICE_PEOPLE, kwargs=school),
    Route(
        "loan-agreements-install",
        {**DEVICE_PEOPLE, "headteacher": 302, "esafety_officer": 302, "technician": 302},
        kwargs=school,
        method="post",
    ),
    Route("loan-add", DEVICE_PEOPLE, kwargs=school),
    Route("my-loans", expect(200)),
    # A pupil's loan: the technicians and leads, the pupil and their parent.
    Route("loan-detail", {**DEVICE_RECORD, "pupil": 200, "parent": 200}, kwargs=pupil_loan),
    Route(
        "loan-hand-over",
        {**DEVICE_RECORD, "headteacher": 302, "esafety_officer": 302, "technician": 302}
        | {"pupil": 403, "parent": 403},
        kwargs=pupil_loan,
        method="post",
    ),
    Route(
        "loan-cancel",
        {**DEVICE_RECORD, "headteacher": 302, "esafety_officer": 302, "technician": 302}
        | {"pupil": 403, "parent": 403},
        kwargs=pupil_loan,
        method="post",
    ),
    Route("loan-return", {**DEVICE_RECORD, "pupil": 403, "parent": 403}, kwargs=pupil_loan_out),
    # A lent device lost: the technicians and leads, and the pupil or parent holding it.
    Route(
        "loan-report-loss",
        {**DEVICE_RECORD, "pupil": 200, "parent": 200},
        kwargs=pupil_loan_out,
    ),
    # The office's list: the leads (and office staff; the teacher persona is not office).
    Route(
        "confiscations",
        expect(
            403,
            headteacher=200,
            esafety_officer=200,
            other_school_teacher=404,
            other_school_headteacher=404,
        ),
        kwargs=school,
    ),
    Route("confiscation-add", STAFF_HERE, kwargs=school),
    Route(
        "confiscation-detail",
        expect(404, headteacher=200, esafety_officer=200, teacher=200),
        kwargs=confiscation,
    ),
    Route(
        "confiscation-parents-told",
        expect(404, headteacher=200, esafety_officer=200, teacher=200),
        kwargs=confiscation,
    ),
    Route(
        "confiscation-release",
        expect(404, headteacher=200, esafety_officer=200, teacher=403),
        kwargs=confiscation,
    ),
    Route("search-add", STAFF_HERE, kwargs=school),
    # The people picker's matches: pupils for whoever may confiscate or search here...
    Route(
        "devices-people-search",
        STAFF_HERE,
        kwargs=school,
        data=lambda personas: {"who": "pupil", "q": "Po"},
    ),
    Route(
        "search-detail",
        expect(404, headteacher=200, esafety_officer=200, teacher=200),
        kwargs=search,
    ),
    Route(
        "devices-recorded-by-me",
        expect(200, pupil=403, parent=403, trustee=403, chair=403),
    ),
    Route("pupil-devices", school_managers_only(), kwargs=pupil),
    Route("breaches", school_managers_only(), kwargs=school),
    Route("breaches-export", school_managers_only(), kwargs=school),
    Route("breach-add", school_managers_only(), kwargs=school),
    Route("breach-detail", BREACH_RECORD, kwargs=breach),
    Route("breach-edit", BREACH_RECORD, kwargs=breach),
    Route("breach-people-told", BREACH_RECORD, kwargs=breach),
    Route("breach-pdf", BREACH_RECORD, kwargs=breach),
    Route("breach-decide", expect(404, headteacher=200, esafety_officer=403), kwargs=breach),
    # Escalated after 60 hours without a decision: the chair may read it, not decide.
    Route(
        "breach-detail",
        expect(404, headteacher=200, esafety_officer=200, chair=200),
        kwargs=escalated_breach,
    ),
    Route(
        "breach-decide",
        expect(404, headteacher=200, esafety_officer=403, chair=403),
        kwargs=escalated_breach,
    ),
    Route("devices-figures", expect(403, trustee=200, chair=200)),
    Route("api-devices", expect(401, anonymous=401)),
    Route("api-device", expect(401, anonymous=401), kwargs=lambda p: {"asset_tag": "LAP-1"}),
]
