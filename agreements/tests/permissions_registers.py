"""The registers' rows of the permission matrix: names for the school's managers,
internet access for its technician, figures only for trustees."""

from agreements.tests.permissions_sign import parent_document
from esafety.testing import Route, expect, school_managers_only


def school(p):
    return {"slug": p.school.slug}


def published_document(p):
    return {"slug": p.school.slug, "pk": parent_document(p).document.pk}


MANAGERS = school_managers_only()
MANAGERS_AND_TECHNICIAN = school_managers_only() | {"technician": 200}
# Trustees see figures for their trust; managers for their own school; nobody else.
FIGURES = expect(
    403, headteacher=200, esafety_officer=200, other_school_headteacher=200, trustee=200, chair=200
)

ROUTES = [
    Route("agreements-coverage", FIGURES),
    Route("agreements-registers", MANAGERS, kwargs=school),
    Route("agreements-register", MANAGERS, kwargs=published_document),
    Route("agreements-register-csv", MANAGERS, kwargs=published_document),
    Route("agreements-register-print", MANAGERS, kwargs=published_document),
    # Without a class the managers are sent back to the register to choose one.
    Route("agreements-class-bundle", school_managers_only(302), kwargs=published_document),
    Route("agreements-consent-register", MANAGERS, kwargs=school),
    Route("agreements-consent-register-csv", MANAGERS, kwargs=school),
    Route("agreements-internet-register", MANAGERS_AND_TECHNICIAN, kwargs=school),
    Route("agreements-internet-register-csv", MANAGERS_AND_TECHNICIAN, kwargs=school),
]
