""" "What to do if..." guides in the permission matrix: everyone who logs incidents at the
school walks them; its headteacher and e-safety officer copy and edit them. Pupils,
parents and trustees are refused; another school's people don't find the pages."""

from esafety.testing import Route, expect, school_managers_only
from incidents import guides

STAFF = expect(
    403,
    headteacher=200,
    esafety_officer=200,
    technician=200,
    teacher=200,
    other_school_teacher=404,
    other_school_headteacher=404,
)
STAFF_FINISH = {
    **STAFF,
    **{name: 302 for name in ("headteacher", "esafety_officer", "technician", "teacher")},
}
GUIDE = "illegal-use"


def school(p):
    return {"slug": p.school.slug}


def guide(p):
    return {"slug": p.school.slug, "guide": GUIDE}


def schools_copy(p):
    standard = guides.guide_for(p.school, GUIDE)
    return guides.make_school_copy(school=p.school, guide=standard, by=p.headteacher)


def a_step_of_the_copy(p):
    return {**guide(p), "pk": schools_copy(p).steps.first().pk}


def step_form(p):
    step = schools_copy(p).steps.first()
    answers = {f"answer_{a.pk}": f"{a.label}." for a in step.answers.all()}
    return {"text": "What did you find?", "do_now": "", "do_not": "", "tell": "", **answers}


ROUTES = [
    Route("guide-list", STAFF, school),
    Route("guide-step", STAFF, guide),
    Route("guide-finish", expect(405), guide),
    Route("guide-finish", STAFF_FINISH, guide, method="post", data=lambda p: {"path": "1-1-3"}),
    Route("guide-edit", school_managers_only(), guide),
    Route("guide-copy", expect(405), guide),
    Route("guide-copy", school_managers_only(302), guide, method="post"),
    Route("guide-step-edit", school_managers_only(), a_step_of_the_copy),
    Route(
        "guide-step-edit",
        school_managers_only(302),
        a_step_of_the_copy,
        method="post",
        data=step_form,
    ),
]
