"""Training for tests, made through the real services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from training import services
from training.models import Evidence, Requirement

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
