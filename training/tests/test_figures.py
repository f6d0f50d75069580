"""Training figures are cached per school and go stale exactly where a change counts."""

import pytest

from esafety.figures import figure_for
from training.tests.factories import days_ago, record, requirement

pytestmark = pytest.mark.django_db


def done(school, req):
    rows = figure_for("training.compliance", school.pk).requirements
    return next(r.done for r in rows if r.requirement_id == req.pk)


def test_a_record_updates_its_school_s_figures(personas):
    p = personas
    req = requirement(p.school)
    assert done(p.school, req) == 0
    record(p.teacher, req, days_ago(1))
    assert done(p.school, req) == 1


def test_a_trustee_s_record_updates_every_school_of_the_trust(personas):
    p = personas
    here = requirement(p.school, code="cyber", audience_roles=["trustee"])
    there = requirement(p.other_school, code="cyber", audience_roles=["trustee"])
    assert (done(p.school, here), done(p.other_school, there)) == (0, 0)
    record(p.trustee, there, days_ago(1))
    assert (done(p.school, here), done(p.other_school, there)) == (1, 1)
