"""Is a published text still the text that was approved? Checked before anyone signs.

A published version's SHA-256 is stored when it is published. If the stored text no
longer hashes to it (edited in the database, a bad restore), nobody may sign it: what
they would sign is not what the school approved. The e-safety officer is told once per
version (a unique marker row in the core's SweepAction table, like every other
"tell once" in the product).
"""

from django.db import IntegrityError, transaction
from django.urls import reverse

from esafety.models import Role, SweepAction
from esafety.notifications import notify
from esafety.services import holders
from esafety.sweeps import sweep_key

from . import reminders
from .models import Version

TEXT_CHANGED = (
    "This document can't be signed at the moment: its text no longer matches the text "
    "the school approved and published. The e-safety officer has been told. Please try "
    "again later."
)
TEXT_CHANGED_WHILE_READING = (
    "This document changed while you were reading it. Read the text again below, then sign."
)


def text_intact(version: Version) -> bool:
    """True if the version's text still matches its recorded hash; otherwise tell the
    e-safety officer (once for this version) and return False."""
    if version.text_matches_hash():
        return True
    _tell_officers_once(version)
    return False


def _tell_officers_once(version: Version) -> None:
    school = version.document.school
    # The headteacher stands in for a school with no e-safety officer on record.
    officers = holders(school, Role.ESAFETY_OFFICER) or holders(school, Role.HEADTEACHER)
    try:
        with transaction.atomic():
            SweepAction.objects.create(
                key=sweep_key("version", version.pk, "text-mismatch"),
                job="agreements.text-check",
            )
            for officer in officers:
                notify(
                    officer,
                    title=f"{reminders.named(version.document)} can't be signed: "
                    "its text has changed",
                    body=(
                        f"The stored text of version {version.number} no longer matches the "
                        "text that was published, so signing is switched off. Publish a new "
                        "version (or restore the text) to switch it back on."
                    ),
                    link=reverse("agreements-version", args=[version.pk]),
                )
    except IntegrityError:
        pass  # already told
