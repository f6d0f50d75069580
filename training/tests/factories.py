"""Training for tests, made through the real services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from training import parent_sessions, services
from training.models import Evidence, ParentSession, Requirement

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def certificate(name="certificate.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def requirement(school, *, by=None, **fields) -> Requirement:
    values = {
        "title": "Safeguarding and online safety",
        "audience_roles": ["headteacher", "esafety_officer", "technician", "staff"],
        "renew_months": 12,
        "evidence": Evidence.ATTENDANCE,
    }
    values.update(fields)
    found = Requirement(school=school, **values)
    if by is None:
        found.save()
        return found
    return services.save_requirement(requirement=found, by=by)


def record(person, req, on, *, by=None, **fields):
    return services.record_training(
        person=person,
        school=req.school,
        by=by or person,
        requirement=req,
        completed_on=on,
        **fields,
    )


def days_ago(n, today=None):
    return (today or datetime.date.today()) - datetime.timedelta(days=n)


def parent_session(p, *, starts_in=datetime.timedelta(days=3), topic="Gaming", year_groups=(5,)):
    """A parents' session at the personas' school, `starts_in` from now (negative: held)."""
    return parent_sessions.save_session(
        session=ParentSession(
            school=p.school,
            topic=topic,
            year_groups=list(year_groups),
            starts_at=timezone.now() + starts_in,
        ),
        by=p.esafety_officer,
    )
