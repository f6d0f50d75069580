"""The heat map tag draws exactly what the heat map template draws (the governance
dashboard still includes the template): counts, links, labels and the matrix's name."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from risks.heatmap import cell_counts, grids, matrices_for
from risks.models import Risk
from risks.tests.factories import make_risk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("several", [False, True])
@pytest.mark.parametrize("which", ["current", "inherent"])
def test_the_tag_draws_what_the_template_draws(personas, which, several):
    officer = personas.esafety_officer
    make_risk(personas.school, officer, likelihood=3, impact=3, title="One")
    make_risk(personas.school, officer, likelihood=1, impact=1, title="Two")
    counts = cell_counts(Risk.objects.filter(school=personas.school))
    grid = grids(counts, which, matrices_for(counts))[0]
    context = {"grid": grid, "school": personas.school, "several": several}
    template = render_to_string(
        "risks/heatmap.html", {**context, "which": which, "title": "Risks & more", "link": True}
    )
    tag = Template(
        '{% load heatmaps %}{% heatmap grid which "Risks & more" link=True school=school %}'
    ).render(Context({**context, "which": which}))
    assert "matrix=" in tag and " risk" in tag
    assert tag == template
