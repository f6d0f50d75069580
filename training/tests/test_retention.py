"""Training records' retention: six years after the training (the school may keep them
longer); destroying one removes its certificate from storage and its history."""

import datetime

from django.core.files.base import ContentFile

from esafety.retention import services
from esafety.retention.registry import record_ref
from training.models import TrainingRecord


def test_a_certificate_goes_from_storage_with_its_record(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    p = personas
    record = TrainingRecord(
        school=p.school,
        person=p.teacher,
        title="Safeguarding induction",
        completed_on=datetime.date(2020, 1, 31),
        recorded_by=p.esafety_officer,
    )
    record.certificate.save("certificate.pdf", ContentFile(b"%PDF-1.4 fake"), save=False)
    record.save()
    path = tmp_path / record.certificate.name
    assert path.exists()

    groups = services.review(p.school, p.esafety_officer, datetime.date(2026, 1, 30))
    assert record_ref(record) not in {d.candidate.ref for g in groups for d in g.due}
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_destruction(
            school=p.school,
            by=p.esafety_officer,
            refs=[record_ref(record)],
            today=datetime.date(2026, 1, 31),
        )
    assert not path.exists()
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()
    assert not TrainingRecord.history.filter(id=record.pk).exists()
