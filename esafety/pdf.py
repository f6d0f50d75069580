"""One helper that turns a Django template into an A4 PDF with WeasyPrint.

Speed: one FontConfiguration for the process (a new one per PDF costs ~15 ms), one
stylesheet parsed once (pdf/house.css: HTML's defaults cut to what our PDFs use, in
place of WeasyPrint's much longer user-agent sheet, then the house look), running
headers and footers as plain CSS strings in fixed-width boxes (running elements cost a
layout per page), Liberation Sans for everything (a third faster than DejaVu Sans), a
warm-up render when a gunicorn worker starts (`warm_up`, from esafety/gunicorn_conf.py)
so the first person to download a PDF doesn't pay ~200 ms, and the bytes of each PDF
kept in the cache for PDF_CACHE_SECONDS, keyed on a hash of exactly what it shows: any
change to the record or to anything on it makes a new key, and only someone whose
request produced the very same content (so who may see it) gets the cached bytes. The
bytes stay in the cache's memory (Redis without persistence in production), never on
disk or in media.
"""

import functools
import hashlib
import threading

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

FONT_CONFIG = FontConfiguration()
GENERATED_AT = "\x00generated-at\x00"  # where the time goes, outside what is hashed


class _OwnResourcesOnly(URLFetcher):
    """PDF templates carry their CSS inline; refuse any outside fetch (no SSRF, no leaks)."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"PDFs may not load outside resources: {url[:60]}")


@functools.cache
def _house_css() -> str:
    with open(settings.BASE_DIR / "templates" / "pdf" / "house.css", encoding="utf-8") as f:
        return f.read()


@functools.cache
def house_stylesheet() -> CSS:
    """pdf/house.css, parsed once per process."""
    return CSS(string=_house_css(), font_config=FONT_CONFIG)


class _HouseHTML(HTML):
    """A document whose user-agent stylesheet is the house sheet. WeasyPrint has no public
    option for this; `_ua_stylesheets` is the method its own test suite overrides the same
    way. test_pdf checks that a PDF still has the house font, so an upgrade of WeasyPrint
    that renamed it fails the tests rather than change every PDF."""

    def _ua_stylesheets(self, forms=False):
        return [house_stylesheet()]


def css_string(text: str) -> str:
    """`text` as a quoted CSS string for `content:`; anything but plain letters, digits
    and simple punctuation is written as a CSS escape, so no name can end the string,
    the rule or the style element."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:;()-/'")
    escaped = "".join(c if c in safe else f"\\{ord(c):x} " for c in str(text))
    return mark_safe(f'"{escaped}"')


def render_pdf(
    template_name: str, context, *, school=None, title: str = "", stamp: str | None = None
) -> bytes:
    """Render `template_name` (which extends pdf/base.html) to PDF bytes, from the cache
    when the same content was rendered within PDF_CACHE_SECONDS.

    Without a `stamp` the key is a hash of the rendered HTML, so the context is built and
    the template rendered on every call. With one (from esafety/stamps.py: it must change
    whenever anything the PDF shows changes, and name whatever decides what a reader may
    see in it), the key is the stamp and a repeat renders nothing; `context` may then be
    a function, called only when the PDF is rendered."""
    if stamp is not None:
        shown = f"{template_name}\n{_house_css()}\n{title}\n{school.name if school else ''}"
        key = "pdf:stamped:" + hashlib.sha256(f"{shown}\n{stamp}".encode()).hexdigest()
        pdf = cache.get(key)
        if pdf is None:
            html = _html(template_name, context() if callable(context) else context, school, title)
            pdf = _write_now(html)
            cache.set(key, pdf, settings.PDF_CACHE_SECONDS)
        return pdf
    html = _html(template_name, context, school, title)
    # The bytes depend on the house sheet too: a new one after a deploy renders anew.
    shown = f"{template_name}\n{_house_css()}\n{html}"
    key = "pdf:" + hashlib.sha256(shown.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = _write_now(html)
        cache.set(key, pdf, settings.PDF_CACHE_SECONDS)
    return pdf


def _html(template_name, context, school, title) -> str:
    return render_to_string(
        template_name,
        {
            **context,
            "pdf_school": school,
            "pdf_title": title,
            "running_school": css_string(school.name if school else "E-safety manager"),
            "running_title": css_string(title),
            "running_generated": css_string(GENERATED_AT),
        },
    )


def _write_now(html: str) -> bytes:
    """The PDF of `html` with the time it was generated in its footer."""
    generated = date_format(timezone.localtime(), "j F Y, H:i")
    return write_pdf(html.replace(css_string(GENERATED_AT), css_string(f"Generated {generated}")))


# Pango and GLib beneath WeasyPrint are not safe from two threads at once: five threads
# rendering together made GLib report "corrupted double-linked list", and the threaded
# server `make run` starts then died mid-request. So one render at a time per process;
# gunicorn's sync workers and Celery's prefork workers never wait on it.
_RENDERING = threading.Lock()


def write_pdf(html: str) -> bytes:
    with _RENDERING:
        document = _HouseHTML(string=html, url_fetcher=_OwnResourcesOnly())
        return document.write_pdf(font_config=FONT_CONFIG)


def warm_up() -> None:
    """Render a tiny PDF so fonts (regular, bold and italic), Pango and WeasyPrint's code
    are loaded before the first person asks for one (when a gunicorn worker starts)."""
    html = render_to_string(
        "pdf/base.html",
        {
            "pdf_title": "Warm-up",
            "running_school": css_string("E-safety manager"),
            "running_title": css_string("Warm-up"),
            "running_generated": css_string("Generated"),
        },
    )
    faces = "<h1>Warm-up</h1><table><tr><th>A</th><td><em>b</em> c</td></tr></table>"
    write_pdf(html.replace("</body>", f"{faces}</body>"))


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
