"""The house stylesheet (templates/pdf/house.css) stands in for WeasyPrint's own defaults:
PDFs keep the house look, and HTML keeps its usual meaning in them."""

import io

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from esafety.pdf import render_pdf

pytestmark = pytest.mark.django_db

PAGE = """{% extends "pdf/base.html" %}
{% block body %}
<h1>Main heading</h1>
<p hidden>Hidden paragraph</p>
<p>First line<br>Second line</p>
<ul><li>Bulleted item</li></ul>
<ol><li>Numbered item</li><li>Second numbered item</li></ol>
<p><strong>Bold words</strong> and <em>slanted words</em></p>
<h2>Second heading</h2>
<table><tr><th>Label</th><td>Value</td></tr></table>
{% endblock %}
"""


@pytest.fixture
def reader(tmp_path):
    (tmp_path / "house_sample.html").write_text(PAGE)
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        pdf = render_pdf("house_sample.html", {}, title="Sample title")
    return PdfReader(io.BytesIO(pdf))


def _fonts(reader) -> set[str]:
    page = reader.pages[0]
    return {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


def test_pdfs_have_the_house_font_in_regular_bold_and_italic(reader):
    # If WeasyPrint stopped using the house sheet (an upgrade renaming the method
    # esafety.pdf overrides), the PDF would come out in its default serif font.
    fonts = _fonts(reader)
    assert any(name.endswith("Liberation-Sans") for name in fonts), fonts
    assert any(name.endswith("Liberation-Sans-Bold") for name in fonts), fonts
    assert any(name.endswith("Liberation-Sans-Italic") for name in fonts), fonts
    assert not any("Serif" in name for name in fonts), fonts


def test_html_keeps_its_meaning_lists_breaks_and_hidden_parts(reader):
    text = reader.pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert "Hidden paragraph" not in text
    assert "Sample title" in text  # the running header, not the <title> in the body
    assert text.count("Sample title") == 1
    assert "First line" in lines and "Second line" in lines  # <br> breaks the line
    # The list markers (pypdf reads them after the text they mark).
    assert "Bulleted item" in lines and "•" in lines
    assert "Second numbered item" in lines and "1." in lines and "2." in lines
    assert "Label" in text and "Value" in text


def test_headings_become_the_pdfs_bookmarks(reader):
    titles = [entry.title for entry in reader.outline if hasattr(entry, "title")]
    assert titles == ["Main heading"]
    nested = [entry for entry in reader.outline if isinstance(entry, list)]
    assert [entry.title for entry in nested[0]] == ["Second heading"]


LONG = """{% extends "pdf/base.html" %}
{% block body %}
<p>Start</p>
<p>{{ unbroken }}</p>
<table><tr><th>Pasted</th><td>{{ unbroken }}</td></tr></table>
<pre>{{ unbroken }}</pre>
{% endblock %}
"""


def test_long_unbroken_text_wraps_inside_the_page(tmp_path):
    (tmp_path / "house_long.html").write_text(LONG)
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    unbroken = "".join(f"{i:04d}" for i in range(800))  # 3,200 characters, no space
    with override_settings(TEMPLATES=templates):
        pdf = PdfReader(io.BytesIO(render_pdf("house_long.html", {"unbroken": unbroken})))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    # A line of the page holds about 90 digits at the house size: unwrapped, the string
    # would be one line of 3,200 running off the edge.
    assert max(len(line) for line in text.splitlines()) < 120
    # Printed to its end in all three places, however the lines broke.
    joined = "".join(text.split())
    assert all(joined.count(part) >= 3 for part in ("00000001", "03990400", "07980799"))
