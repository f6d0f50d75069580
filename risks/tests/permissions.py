"""The risks app's rows of the permission matrix."""

from esafety.testing import Route, expect, school_managers_only
from incidents.tests.factories import report
from risks import services
from risks.tests.factories import failed_check, make_action, make_risk, recorded_review

# School-level pages: managers; others in the school 403; another school 404.
MANAGERS = school_managers_only()
# The register: managers, the school's technician (their own risks) and trustees.
REGISTER = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    technician=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)
MANAGERS_AND_TRUSTEES = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)
LOGGERS = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    technician=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)
# One risk owned by the technician, with an action held by the teacher. Trustees are in
# scope (the names-free register) but may not open it; pupils and parents can't see it.
RISK = expect(
    404, headteacher=200, esafety_officer=200, technician=200, teacher=200, trustee=403, chair=403
)
RISK_MANAGERS = expect(
    404, headteacher=200, esafety_officer=200, technician=403, teacher=403, trustee=403, chair=403
)


def school(p):
    return {"slug": p.school.slug}


def _owned_risk(p, **fields):
    risk = make_risk(p.school, p.esafety_officer, owners=[p.technician], **fields)
    make_action(risk, p.esafety_officer, p.teacher)
    return risk


def risk(p):
    return {"pk": _owned_risk(p).pk}


def step(name, **fields):
    return lambda p: {"pk": _owned_risk(p, **fields).pk, "step": name}


def closed_step(name):
    def kwargs(p):
        found = _owned_risk(p)
        services.close_risk(risk=found, by=p.esafety_officer, reason="No longer applies")
        return {"pk": found.pk, "step": name}

    return kwargs


def teachers_action(p):
    return {"pk": _owned_risk(p).actions.get().pk}


def trust_risk(p):
    return make_risk(None, p.chair, trust=p.school.trust, owners=[p.chair, p.trustee])


# A trust-wide risk: the chair keeps it; every school's leads and the trustees see it.
TRUST_RISK = expect(
    404,
    headteacher=200,
    esafety_officer=200,
    other_school_headteacher=200,
    trustee=200,
    chair=200,
)
TRUST_RISK_KEEPER = {
    **TRUST_RISK,
    "headteacher": 403,
    "esafety_officer": 403,
    "other_school_headteacher": 403,
    "trustee": 403,
}


def signed_register(p):
    return {"pk": services.sign_register(school=p.school, by=p.headteacher).pk}


def incident(p):
    return {"incident_pk": report(p.school, p.teacher).pk}


def trust(p):
    return {"trust_pk": p.school.trust_id}


def check(p):
    return {"slug": p.school.slug, "pk": failed_check(p.school, p.technician).pk}


def open_review(p):
    return {"pk": recorded_review(p.school, p.headteacher, p.esafety_officer, sign=False).pk}


def signed_review(p):
    return {"pk": recorded_review(p.school, p.headteacher, p.esafety_officer).pk}


def review_step(name, make=open_review):
    return lambda p: {**make(p), "step": name}


ROUTES = [
    Route("risk-register", {**REGISTER, "trustee": 200, "chair": 200}, kwargs=school),
    Route("risk-create", MANAGERS, kwargs=school),
    Route("risk-starter", MANAGERS, kwargs=school),
    Route("risk-register-csv", MANAGERS, kwargs=school),
    Route(
        "risk-register-pdf", {**MANAGERS_AND_TRUSTEES, "trustee": 200, "chair": 200}, kwargs=school
    ),
    Route("risk-signoffs", {**MANAGERS_AND_TRUSTEES, "trustee": 200, "chair": 200}, kwargs=school),
    Route("risk-detail", RISK, kwargs=risk),
    Route("risk-pdf", RISK_MANAGERS, kwargs=risk),
    Route("risk-step", RISK_MANAGERS, kwargs=step("edit")),
    Route("risk-step", RISK_MANAGERS, kwargs=step("rescore")),
    Route("risk-step", RISK_MANAGERS, kwargs=step("review")),
    Route("risk-step", RISK_MANAGERS, kwargs=step("treated")),
    Route("risk-step", RISK_MANAGERS, kwargs=step("close")),
    Route("risk-step", RISK_MANAGERS, kwargs=closed_step("reopen")),
    # The owner (technician) adds actions; the teacher only holds one.
    Route("risk-step", {**RISK_MANAGERS, "technician": 200}, kwargs=step("add-action")),
    # MEDIUM (2 x 2): either manager may accept; HIGH (3 x 3): only the headteacher.
    Route("risk-step", RISK_MANAGERS, kwargs=step("accept")),
    Route(
        "risk-step",
        {**RISK_MANAGERS, "esafety_officer": 403},
        kwargs=step("accept", likelihood=3, impact=3),
    ),
    Route(
        "risk-step",
        {
            **RISK_MANAGERS,
            "headteacher": 404,
            "esafety_officer": 404,
            "technician": 404,
            "teacher": 404,
            "trustee": 404,
            "chair": 404,
        },
        kwargs=step("no-such-step"),
    ),
    Route("risk-action-done", RISK, kwargs=teachers_action),
    Route(
        "risk-signoff-approve",
        expect(
            403,
            trustee=302,
            chair=302,
            other_school_teacher=404,
            other_school_headteacher=404,
            technician=403,
        ),
        kwargs=signed_register,
    ),
    Route(
        "risk-signoff-pdf",
        {**MANAGERS_AND_TRUSTEES, "trustee": 200, "chair": 200},
        kwargs=signed_register,
    ),
    Route(
        "risk-link-incident",
        expect(404, headteacher=200, esafety_officer=200, teacher=403),
        kwargs=incident,
    ),
    Route("risk-trust", expect(403, trustee=200, chair=200)),
    Route("risk-matrix", expect(404, trustee=403, chair=200), kwargs=trust),
    Route("risk-trust-create", expect(404, trustee=403, chair=200), kwargs=trust),
    Route("risk-detail", TRUST_RISK, kwargs=lambda p: {"pk": trust_risk(p).pk}),
    Route("risk-pdf", TRUST_RISK_KEEPER, kwargs=lambda p: {"pk": trust_risk(p).pk}),
    Route(
        "risk-step",
        TRUST_RISK_KEEPER,
        kwargs=lambda p: {"pk": trust_risk(p).pk, "step": "rescore"},
    ),
    Route(
        "risk-step",
        {**TRUST_RISK_KEEPER, "trustee": 200},  # an owner adds actions
        kwargs=lambda p: {"pk": trust_risk(p).pk, "step": "add-action"},
    ),
    # Filtering and monitoring.
    Route("filtering", {**LOGGERS, "trustee": 200, "chair": 200}, kwargs=school),
    Route("filtering-check-create", LOGGERS, kwargs=school),
    Route("filtering-check-incident", LOGGERS, kwargs=check),
    Route("filtering-decision-create", LOGGERS, kwargs=school),
    Route("filtering-review-start", school_managers_only(302), kwargs=school),
    Route("filtering-review", LOGGERS, kwargs=open_review),
    Route("filtering-review", {**LOGGERS, "trustee": 200, "chair": 200}, kwargs=signed_review),
    Route("filtering-review-edit", MANAGERS, kwargs=open_review),
    Route("filtering-review-action", MANAGERS, kwargs=open_review),
    Route("filtering-review-pdf", LOGGERS, kwargs=open_review),
    Route("filtering-review-pdf", {**LOGGERS, "trustee": 200, "chair": 200}, kwargs=signed_review),
    Route(
        "filtering-review-sign",
        {**MANAGERS, "headteacher": 302, "esafety_officer": 403},
        kwargs=review_step("head-sign"),
    ),
    Route(
        "filtering-review-sign",
        {
            **LOGGERS,
            "headteacher": 403,
            "esafety_officer": 403,
            "technician": 403,
            "trustee": 302,
            "chair": 302,
        },
        kwargs=review_step("trustee-sign", signed_review),
    ),
    Route("filtering-review-sign", expect(404), kwargs=review_step("nope")),
]
