"""Keyboard users must be able to scroll a wide table sideways on a phone (WCAG 2.1.1)."""

import os
import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "staticfiles", "node_modules"}
WRAPPER_CLASS = re.compile(r"(?<![\w-])table-responsive(?![\w-])")
# Django comments hold no markup that reaches the page; blanked, keeping their line breaks.
DJANGO_COMMENT = re.compile(r"{%\s*comment\b.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)


class _Wrappers(HTMLParser):
    """Collects the line and attributes of each opening tag whose class is table-responsive.
    HTML comments, scripts and styles are never start tags, so they are not counted."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if WRAPPER_CLASS.search(attributes.get("class", "")):
            self.found.append((self.getpos()[0], attributes))


def _templates():
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = sorted(
            d for d in subdirectories if d not in SKIPPED_DIRS and not d.startswith(".")
        )
        path = Path(directory)
        if "templates" in path.relative_to(ROOT).parts:
            yield from (path / name for name in sorted(files) if name.endswith(".html"))


def _wrappers(text: str):
    parser = _Wrappers()
    parser.feed(DJANGO_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text))
    parser.close()
    return parser.found


def _problems(attributes: dict[str, str]) -> list[str]:
    problems = []
    if attributes.get("tabindex") != "0":
        problems.append('tabindex="0"')
    if attributes.get("role") != "region":
        problems.append('role="region"')
    if not attributes.get("aria-label", "").strip():
        problems.append("aria-label")
    return problems


def test_the_check_tells_a_focusable_named_region_from_a_bare_wrapper():
    text = (
        '<div class="table-responsive" tabindex="0" role="region" aria-label="Loans">\n'
        "{# <div class='table-responsive'> #}<!-- <div class='table-responsive'> -->\n"
        '<div class="table-responsive table-narrow" aria-label="">\n'
    )
    found = _wrappers(text)
    assert [(line, _problems(attributes)) for line, attributes in found] == [
        (1, []),
        (3, ['tabindex="0"', 'role="region"', "aria-label"]),
    ]


def test_every_table_wrapper_can_be_scrolled_from_the_keyboard():
    seen = []
    missing = []
    for path in _templates():
        for line, attributes in _wrappers(path.read_text(encoding="utf-8")):
            where = f"{path.relative_to(ROOT)}:{line}"
            seen.append(where)
            if problems := _problems(attributes):
                missing.append(f"{where} lacks {', '.join(problems)}")
    # The walk reaches the apps' templates (so the test cannot pass by finding nothing).
    assert any(w.startswith("training/templates/training/figures.html:") for w in seen), seen
    assert missing == [], "\n".join(missing)
