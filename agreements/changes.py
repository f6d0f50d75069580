"""What changed between two versions' texts, paragraph by paragraph, for the people who
sign off and approve a new version.

A paragraph is a block of the Markdown text (separated by a blank line): a heading, a
paragraph, a list. Each change is marked in words ("Added", "Removed") and with <ins>
and <del>, never by colour alone, and carries the heading it falls under so a reader can
find it in the full text.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString

from .models import Version, VersionStatus
from .signing import render_text

ADDED, REMOVED = "Added", "Removed"


@dataclass(frozen=True)
class Change:
    kind: str  # ADDED or REMOVED
    under: str  # the heading it falls under ("" before the first heading)
    html: SafeString


def paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [block.strip() for block in blocks if block.strip()]


def _heading(block: str) -> str:
    return block.partition("\n")[0].lstrip("#").strip() if block.startswith("#") else ""


def _shown(block: str) -> SafeString:
    """A changed block as the reader sees it. A heading is shown as a labelled line, not
    as a heading: inside the list of changes it must not break the page's outline."""
    if not block.startswith("#"):
        return render_text(block)
    first, _, rest = block.partition("\n")
    label = format_html('<p class="diff-heading">Heading: <strong>{}</strong></p>', _heading(first))
    return label + render_text(rest) if rest.strip() else label


def paragraph_changes(old: str, new: str) -> list[Change]:
    """The paragraphs removed from `old` and added in `new`, in reading order."""
    before, after = paragraphs(old), paragraphs(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    changes, under = [], ""
    for op, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if op == "equal":
            under = next(
                (_heading(b) for b in reversed(after[b_start:b_end]) if _heading(b)), under
            )
            continue
        changes += [Change(REMOVED, under, _shown(b)) for b in before[a_start:a_end]]
        for block in after[b_start:b_end]:
            changes.append(Change(ADDED, under, _shown(block)))
            under = _heading(block) or under
    return changes


def compared_with(version: Version) -> Version | None:
    """The version a reader compares this one with: the published one for a version in
    progress; the one it replaced for a published or superseded one."""
    published = [VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]
    earlier = version.document.versions.filter(status__in=published, number__lt=version.number)
    return earlier.order_by("-number").first()


def changes_for(version: Version) -> tuple[Version | None, list[Change]]:
    base = compared_with(version)
    return base, (paragraph_changes(base.text, version.text) if base else [])
