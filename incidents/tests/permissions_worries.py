""" "Report a worry" in the permission matrix. The pupils' page is public (a link on the
school's website works without signing in); the parents' page is the school's parents'."""

from esafety.testing import Route, expect

PUBLIC = expect(200, anonymous=200)
PARENTS = expect(403, parent=200, other_school_teacher=404, other_school_headteacher=404)


def school(p):
    return {"slug": p.school.slug}


ROUTES = [
    Route("worry-pupil", PUBLIC, school),
    Route("worry-thanks", PUBLIC, school),
    Route("worry-parent", PARENTS, school),
    Route("worry-parent-thanks", PARENTS, school),
]
