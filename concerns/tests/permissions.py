"""The low-level concerns log's rows of the permission matrix. Staff raise concerns;
the headteacher (and, for the trust, the chair) reviews them; the person a concern is
about, the e-safety officer and trustees see none."""

from concerns.tests.factories import concern
from esafety.testing import Route, expect

# Anyone who works at the school raises one; pupils, parents and trustees can't.
STAFF = expect(
    200,
    pupil=403,
    parent=403,
    trustee=403,
    chair=403,
    other_school_teacher=404,
    other_school_headteacher=404,
)
# The school's list: its headteacher, and the chair (who sees the concerns about heads).
REVIEWERS = expect(
    403, headteacher=200, chair=200, other_school_teacher=404, other_school_headteacher=404
)
# One concern about the teacher: its headteacher only, nobody else learns it exists.
ABOUT_TEACHER = expect(404, headteacher=200)
ANSWERED_BADLY = expect(404, anonymous=302, headteacher=400)


def school(p):
    return {"slug": p.school.slug}


def about_teacher(p):
    return {"pk": concern(p.school, p.esafety_officer, p.teacher).pk}


def person_page(p):
    concern(p.school, p.esafety_officer, p.teacher)
    return {"slug": p.school.slug, "user_pk": p.teacher.pk}


ROUTES = [
    Route("concern-create", STAFF, school),
    Route("concern-sent", STAFF, school),
    Route("concern-list", REVIEWERS, school),
    Route("concern-patterns", REVIEWERS, school),
    # The chair may use the page but sees no concern about a teacher: not found.
    Route("concern-person", {**REVIEWERS, "chair": 404}, person_page),
    Route("concern-detail", ABOUT_TEACHER, about_teacher),
    Route("concern-respond", ANSWERED_BADLY, about_teacher, method="post"),
    Route("concern-refer", ANSWERED_BADLY, about_teacher, method="post"),
    Route("concern-trust-patterns", expect(403, chair=200)),
]
