"""What counts as signed: the one definition the services, registers and panels share.

A signature counts for the document's current version; for a document renewed every
school year, only when it was given in this academic year. A consent answer counts only
in the academic year it was given (no answer is a no).
"""

import datetime

from django.db.models import Q


def signed_this_academic_year_q(school, on: datetime.date) -> Q:
    """Given on or after the first day of the academic year that `on` falls in."""
    return Q(signed_at__date__gte=school.academic_year_start(on))


def still_counts_q(document, version, on: datetime.date) -> Q:
    """Signatures that count for `document` on a date, `version` being its current one."""
    q = Q(version=version)
    if document.renew_every_year:
        q &= signed_this_academic_year_q(document.school, on)
    return q
