"""Incidents for tests, made through the real services so routing and timers apply."""

import re

from incidents import services
from incidents.models import Incident, Location, Subject


def report(school, by, *, subject=Subject.PUPIL, submit=True, people=(), tags=(), **fields):
    incident = Incident(
        school=school,
        reported_by=by,
        location=fields.pop("location", Location.ON_SITE),
        description=fields.pop("description", "A pupil was shown an unkind message online."),
        subject=subject,
        **fields,
    )
    if submit:
        return services.submit_incident(incident=incident, by=by, people=list(people), tags=tags)
    return services.save_draft(incident=incident, by=by, people=list(people), tags=tags)


def classify(incident, by, *, category="pupil_c", risk_area="conduct", kind="bullying"):
    """What closing needs besides the workflow: a category, a risk area and a kind."""
    from incidents.models import IncidentTag

    # Made if missing: a test run after one that emptied the database (a live-server test)
    # no longer has the kinds the first migration added.
    tag, _ = IncidentTag.objects.get_or_create(
        school=None, slug=kind, defaults={"name": kind.replace("-", " ").capitalize()}
    )
    tags = [tag]
    return services.classify(
        incident=incident, by=by, category=category, risk_area=risk_area, tags=tags
    )


def shown_bare(text: str, incident) -> bool:
    """Whether a page shows the incident's number without its school's letters (2026-0001
    rather than OAK-2026-0001): an incident is only ever shown by its reference."""
    letters = re.escape(incident.school.prefix)
    return re.search(rf"(?<!{letters}-){re.escape(incident.number)}", text) is not None
