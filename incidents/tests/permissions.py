"""The incidents app's rows of the permission matrix."""

from django.core.files.base import ContentFile

from esafety.testing import Route, expect, school_managers_only
from incidents.models import Evidence, Subject
from incidents.tests.factories import report

# Logging is for staff (headteacher, e-safety officer, technician, staff) in any school.
LOGGERS = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    technician=200,
    teacher=200,
    other_school_teacher=200,
    other_school_headteacher=200,
)
# Anyone an action can be given to: staff of any school.
ACTION_HOLDERS = expect(200, pupil=403, parent=403, trustee=403, chair=403)
# A pupil incident reported by the teacher: its school's managers and its reporter.
PUPIL_INCIDENT = expect(404, headteacher=200, esafety_officer=200, teacher=200)
MANAGERS = expect(404, headteacher=200, esafety_officer=200, teacher=403)


def pupil_incident(p):
    return {"pk": report(p.school, p.teacher).pk}


def about_headteacher(p):
    return {"pk": report(p.school, p.teacher, subject=Subject.HEADTEACHER).pk}


def draft(p):
    return {"pk": report(p.school, p.teacher, submit=False).pk}


def action(name):
    return lambda p: {"pk": report(p.school, p.teacher).pk, "action": name}


def evidence(p):
    incident = report(p.school, p.teacher)
    item = Evidence.objects.create(
        incident=incident,
        file=ContentFile(b"log line", name="log.txt"),
        original_name="log.txt",
        content_type="text/plain",
        size=8,
        uploaded_by=p.esafety_officer,
    )
    return {"pk": incident.pk, "evidence_pk": item.pk}


def closed(p):
    from django.utils import timezone

    from incidents import services
    from incidents.tests.factories import classify

    incident = report(p.school, p.teacher)
    services.acknowledge(incident=incident, by=p.esafety_officer)
    classify(incident, p.esafety_officer)
    services.record_parent_contact(
        incident=incident, by=p.esafety_officer, informed="yes", when=timezone.now()
    )
    services.record_review(incident=incident, by=p.esafety_officer, result="Done", close=True)
    return incident


def closed_step(name):
    return lambda p: {"pk": closed(p).pk, "action": name}


def asked_trustee(p):
    from incidents import services

    incident = report(p.school, p.teacher)
    services.request_trustee_sign_off(incident=incident, by=p.esafety_officer, trustee=p.trustee)
    return {"pk": incident.pk}


def asked_trustee_step(name):
    return lambda p: {**asked_trustee(p), "action": name}


def school(p):
    return {"slug": p.school.slug}


def technicians_action(p):
    """An action for the technician on the teacher's incident: the technician may open
    it (and nothing else of the incident); its school's managers too."""
    from incidents import services

    incident = report(p.school, p.teacher)
    entry = services.add_timeline_entry(
        incident=incident, by=p.esafety_officer, text="Check the filter logs", owner=p.technician
    )
    return {"pk": entry.pk}


def pupil(p):
    return {"slug": p.school.slug, "user_pk": p.pupil.pk}


def held_alert(p):
    """An alert from monitoring about a pupil it could not find, waiting to be matched."""
    from django.utils import timezone

    from incidents.models import MonitoringAlert

    alert = MonitoringAlert.objects.create(
        school=p.school,
        product="Monitoring",
        received_at=timezone.now(),
        occurred_at=timezone.now(),
        pupil_ref="unknown@pupils.example",
        category="Bullying",
        severity="medium",
        description="A message calling another pupil names.",
    )
    return {"slug": p.school.slug, "pk": alert.pk}


ROUTES = [
    Route("incident-create", LOGGERS),
    Route("my-incidents", LOGGERS),
    Route(
        "incident-queue",
        expect(
            403,
            headteacher=200,
            esafety_officer=200,
            other_school_headteacher=200,
            trustee=200,
            chair=200,
        ),
    ),
    Route("incident-detail", PUPIL_INCIDENT, kwargs=pupil_incident),
    Route("my-actions", ACTION_HOLDERS),
    Route(
        "action-detail",
        expect(404, headteacher=200, esafety_officer=200, technician=200),
        kwargs=technicians_action,
    ),
    Route(
        "action-detail",
        expect(404, headteacher=302, esafety_officer=302, technician=302, teacher=404),
        kwargs=technicians_action,
        method="post",
        data=lambda p: {"note": "Logs checked"},
    ),
    # The picker's search: the school's loggers (by school) or the incident's managers.
    Route(
        "people-search",
        LOGGERS | {"other_school_teacher": 404, "other_school_headteacher": 404},
        data=lambda p: {"school": p.school.slug, "q": "po"},
    ),
    Route(
        "people-search",
        expect(404, esafety_officer=200, teacher=403, chair=200),
        data=lambda p: {"incident": about_headteacher(p)["pk"], "q": "te", "staff": "1"},
    ),
    # A concern about the headteacher: hidden from the headteacher, sent to the chair.
    Route(
        "incident-detail",
        expect(404, esafety_officer=200, teacher=200, chair=200),
        kwargs=about_headteacher,
    ),
    Route("incident-edit", expect(404, teacher=200), kwargs=draft),
    Route("incident-pdf", MANAGERS, kwargs=pupil_incident),
    Route("incident-evidence", MANAGERS, kwargs=evidence),
    Route("incident-action", MANAGERS, kwargs=action("note")),
    Route("incident-action", MANAGERS, kwargs=action("acknowledge")),
    Route("incident-action", MANAGERS, kwargs=action("evidence")),
    Route("incident-action", PUPIL_INCIDENT, kwargs=action("amend")),
    Route("incident-action", MANAGERS, kwargs=action("classify")),
    # Closed: nobody changes the report or its classification (reopen it first).
    Route(
        "incident-action",
        expect(404, headteacher=403, esafety_officer=403, teacher=403),
        kwargs=closed_step("amend"),
    ),
    Route(
        "incident-action",
        expect(404, headteacher=403, esafety_officer=403, teacher=403),
        kwargs=closed_step("classify"),
    ),
    Route("incident-action", MANAGERS, kwargs=closed_step("reopen")),
    Route(
        "incident-action",
        expect(404, headteacher=200, esafety_officer=403, teacher=403),
        kwargs=action("sign-off"),
    ),
    Route(
        "incident-action",
        expect(404, headteacher=403, esafety_officer=403, teacher=403),
        kwargs=action("trustee-sign-off"),
    ),
    Route(
        "incident-action",
        expect(404, headteacher=404, esafety_officer=404, teacher=404),
        kwargs=action("no-such-step"),
    ),
    Route("incident-action", MANAGERS, kwargs=action("ask-trustee")),
    Route("incident-action", MANAGERS, kwargs=action("person")),
    Route("incident-action", MANAGERS, kwargs=action("sanction")),
    # A trustee asked to sign may read the incident and sign it, nothing more.
    Route(
        "incident-detail",
        expect(404, headteacher=200, esafety_officer=200, teacher=200, trustee=200),
        kwargs=asked_trustee,
    ),
    Route(
        "incident-action",
        expect(404, headteacher=403, esafety_officer=403, teacher=403, trustee=200),
        kwargs=asked_trustee_step("trustee-sign-off"),
    ),
    Route(
        "incident-action",
        expect(404, headteacher=200, esafety_officer=200, teacher=403, trustee=403),
        kwargs=asked_trustee_step("note"),
    ),
    Route("pupil-chronology", school_managers_only(), kwargs=pupil),
    Route("pupil-chronology-find", school_managers_only(), kwargs=school),
    Route(
        "pupil-chronology-find",
        school_managers_only() | {"headteacher": 302, "esafety_officer": 302},
        kwargs=school,
        data=lambda p: {"pupil": p.pupil.pk, "pupil_search": str(p.pupil)},
    ),
    # The picker's search for a pupil's chronology: pupils only, for the school's managers.
    Route(
        "people-search",
        school_managers_only(),
        data=lambda p: {"school": p.school.slug, "q": "po", "pupils": "1"},
    ),
    Route("incident-export", school_managers_only(), kwargs=school),
    Route("incident-kinds", school_managers_only(), kwargs=school),
    Route("monitoring-held", school_managers_only(), kwargs=school),
    Route("monitoring-match", school_managers_only(), kwargs=held_alert),
    # The API answers keys only: a person's session is not a key (401, never a page).
    Route("api-monitoring-alerts", expect(401, anonymous=401), method="post"),
    Route("api-incidents", expect(401, anonymous=401), method="post"),
]
