"""Scores are shown in words and number, as the seed writes them (3 x 3 = HIGH (9)),
never as a bare number; and text people wrote keeps its own direction (dir="auto" or
<bdi>), so a title in Arabic or Hebrew doesn't scramble the line around it."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from pypdf import PdfReader

from esafety.testing import sign_in
from risks.models import Matrix, score_label, score_working
from risks.tests.factories import make_action, make_risk

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Page(HTMLParser):
    """Each run of text with the elements around it."""

    def __init__(self):
        super().__init__()
        self.stack, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip():
            self.texts.append((data.strip(), list(self.stack)))


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def own_direction(html: str, text: str) -> bool:
    """Every place `text` is shown sits in a <bdi> or an element with dir="auto"."""
    places = [
        stack
        for data, stack in parsed(html).texts
        if text in data and not any(tag == "title" for tag, _ in stack)  # the tab's name
    ]
    assert places, f"{text!r} is not on the page"
    return all(
        any(tag == "bdi" or attrs.get("dir") == "auto" for tag, attrs in stack) for stack in places
    )


def test_one_function_writes_a_score_as_the_seed_does(data_migrations):
    seed = Matrix.objects.get(trust__isnull=True, is_current=True)
    assert score_label("HIGH", 9) == seed.label(3, 3) == "HIGH (9)"
    assert score_working(3, 3, "HIGH") == seed.working(3, 3) == "3 × 3 = HIGH (9)"
    assert seed.working(1, 2) == "1 × 2 = LOW (2)"


def test_every_heat_map_cell_shows_its_score_in_words(personas, client):
    make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    sign_in(client, personas.esafety_officer)
    html = client.get(reverse("risk-register", args=[personas.school.slug])).content.decode()
    heat = html[html.index('<figure class="heatmap') : html.rindex("</figure>")]
    cells = re.findall(r"<td\b.*?</td>", heat, flags=re.S)
    assert len(cells) == 2 * 9  # current and inherent, 3 x 3 each
    shown = [
        " ".join(
            data
            for data, stack in parsed(cell).texts
            if not any("visually-hidden" in (attrs.get("class") or "") for _, attrs in stack)
        )
        for cell in cells
    ]
    for text in shown:  # the count (or a dot), then the cell's score in words
        assert re.fullmatch(r"(\d+|·) (LOW|MEDIUM|HIGH) \(\d\)", text), text
    assert "1 HIGH (9)" in shown and "· LOW (1)" in shown


def test_the_risk_page_and_pdfs_show_the_sum_with_its_words(personas, client):
    risk = make_risk(
        personas.school, personas.esafety_officer, likelihood=2, impact=2, inherent=(3, 3)
    )
    sign_in(client, personas.esafety_officer)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "2 × 2 = MEDIUM (4)" in page and "3 × 3 = HIGH (9)" in page

    pdf = client.get(reverse("risk-register-pdf", args=[personas.school.slug]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "2 × 2 = MEDIUM (4), before mitigation 3 × 3 = HIGH (9)" in text


def test_text_people_wrote_keeps_its_own_direction(personas, client):
    title, description = "خطر الإنترنت في المنزل", "תיאור הסיכון בבית"
    technical, education = "מסנן בבית", "درس عن الأمان"
    risk = make_risk(
        personas.school,
        personas.esafety_officer,
        title=title,
        description=description,
        mitigation_technical=technical,
        mitigation_education=education,
        likelihood_reason="سبب الاحتمال",
        impact_reason="סיבת ההשפעה",
    )
    action = make_action(risk, personas.esafety_officer, personas.teacher)
    action.text = "לנעול את המחשבים"
    action.save()
    sign_in(client, personas.esafety_officer)
    page = client.get(risk.get_absolute_url()).content.decode()
    for text in (title, description, technical, education, "سبب الاحتمال", "סיבת ההשפעה"):
        assert own_direction(page, text), text
    assert own_direction(page, "לנעול את המחשבים")
    register = client.get(reverse("risk-register", args=[personas.school.slug]))
    assert own_direction(register.content.decode(), title)
    done_page = client.get(reverse("risk-action-done", args=[action.pk])).content.decode()
    assert own_direction(done_page, "לנעול את המחשבים")
