"""PDF exports: A4, the school and title on every page, page numbers, and no outside fetches."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from esafety.pdf import pdf_response, render_pdf
from esafety.testing import SchoolFactory

pytestmark = pytest.mark.django_db

SAMPLE = """{% extends "pdf/base.html" %}
{% block body %}
{% for section in sections %}
<section style="break-before: {% if forloop.first %}auto{% else %}page{% endif %}">
<h1>{{ section }}</h1>
<p>Body text for {{ section }}.</p>
{% if forloop.first %}<img src="{{ image_url }}" alt="">
<img src="http://example.com/x.png" alt="">{% endif %}
</section>
{% endfor %}
{% endblock %}
"""

A4_POINTS = (595.28, 841.89)


class _Recorder(BaseHTTPRequestHandler):
    requests: list

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    """A local web server that records every request it gets."""
    handler = type("Recorder", (_Recorder,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def sample_template(tmp_path):
    (tmp_path / "sample_report.html").write_text(SAMPLE)
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        yield "sample_report.html"


@pytest.fixture
def rendered(sample_template, web_server):
    base_url, requests = web_server
    school = SchoolFactory(name="Oakwood Primary")
    pdf = render_pdf(
        sample_template,
        {"sections": ["First part", "Second part", "Third part"], "image_url": f"{base_url}/x.png"},
        school=school,
        title="Incident report 2026-0001",
    )
    return PdfReader(io.BytesIO(pdf)), requests


def test_pdf_has_three_pages_with_school_title_page_numbers_and_date(rendered):
    reader, _ = rendered
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        assert "Oakwood Primary" in page
        assert "Incident report 2026-0001" in page
        assert f"Page {number} of 3" in page
        assert "Generated" in page
    assert "Second part" in pages[1]


def test_pdf_pages_are_a4(rendered):
    reader, _ = rendered
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1
        assert abs(height - A4_POINTS[1]) < 1


def test_pdf_does_not_fetch_outside_resources(rendered):
    reader, requests = rendered
    assert requests == []  # the image on the local server was never asked for
    assert len(reader.pages) == 3  # and the PDF was still made


def test_pdf_without_school_says_whose_system_it_is(sample_template):
    pdf = render_pdf(sample_template, {"sections": ["Only part"], "image_url": ""}, title="Export")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "E-safety manager" in text
    assert "Page 1 of 1" in text


def test_pdf_response_is_a_download_that_is_not_cached():
    response = pdf_response(b"%PDF-1.7 test", "incident-2026-0001.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="incident-2026-0001.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"%PDF-1.7 test"


def test_a_repeat_download_comes_from_the_cache_and_a_change_renders_anew(
    sample_template, monkeypatch
):
    from esafety import pdf as pdf_module

    rendered = []
    real = pdf_module.write_pdf
    monkeypatch.setattr(pdf_module, "write_pdf", lambda html: rendered.append(html) or real(html))
    school = SchoolFactory(name="Oakwood Primary")

    def download(sections):
        context = {"sections": sections, "image_url": ""}
        return render_pdf(sample_template, context, school=school, title="Report")

    first = download(["Only part"])
    assert download(["Only part"]) == first
    assert len(rendered) == 1  # the second download did not run WeasyPrint
    changed = download(["Only part, amended"])
    assert len(rendered) == 2
    assert "amended" in PdfReader(io.BytesIO(changed)).pages[0].extract_text()


def test_running_headers_show_any_school_name_as_plain_text(sample_template):
    school = SchoolFactory(name='St "Mary\'s" & <All> Saints \\ </style>')
    pdf = render_pdf(sample_template, {"sections": ["Part"], "image_url": ""}, school=school)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert 'St "Mary\'s" & <All> Saints \\ </style>' in text
    assert "Part" in text


def test_the_warm_up_render_works():
    from esafety.pdf import warm_up

    warm_up()  # fonts and WeasyPrint load here, not in someone's first download


def test_a_new_house_stylesheet_renders_anew(sample_template, monkeypatch):
    # After a deploy that changes pdf/house.css, no PDF in the old look is served.
    from esafety import pdf as pdf_module

    rendered = []
    real = pdf_module.write_pdf
    monkeypatch.setattr(pdf_module, "write_pdf", lambda html: rendered.append(html) or real(html))
    context = {"sections": ["Only part"], "image_url": ""}
    render_pdf(sample_template, context, title="Report")
    render_pdf(sample_template, context, title="Report")
    assert len(rendered) == 1
    css = pdf_module._house_css()
    monkeypatch.setattr(pdf_module, "_house_css", lambda: css + "\nh1 { color: #222; }")
    render_pdf(sample_template, context, title="Report")
    assert len(rendered) == 2
