"""Vulnerability flags in the permission matrix: the school's leads only."""

from esafety.testing import Route, school_managers_only


def pupil(p):
    return {"slug": p.school.slug, "user_pk": p.pupil.pk}


ROUTES = [
    Route("pupil-flags", school_managers_only(), pupil),
    Route(
        "pupil-flags",
        school_managers_only(400),
        pupil,
        method="post",
        data=lambda p: {"flags": ["nonsense"]},
    ),
]
