"""One helper that turns a Django template into an A4 PDF with WeasyPrint."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class _OwnResourcesOnly(URLFetcher):
    """PDF templates carry their CSS inline; refuse any outside fetch (no SSRF, no leaks)."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"PDFs may not load outside resources: {url[:60]}")


def render_pdf(template_name: str, context: dict, *, school=None, title: str = "") -> bytes:
    """Render `template_name` (which extends pdf/base.html) to PDF bytes."""
    html = render_to_string(
        template_name,
        {
            **context,
            "pdf_school": school,
            "pdf_title": title,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html, url_fetcher=_OwnResourcesOnly()).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
