"""Signed agreements' retention: a signature in force is kept while the person is at the
school; a year after they leave it reaches its date, and destroying it removes its
consent answers with it (the one way a signature is ever deleted)."""

import datetime

from django.utils import timezone

from agreements import services
from agreements.models import Channel, ConsentAnswer, Kind, Signature
from agreements.starter import install_standard_documents
from esafety.models import Membership
from esafety.models_retention import Tombstone
from esafety.retention import services as retention
from esafety.retention.registry import record_ref


def parent_signature(p):
    head = p.headteacher
    for document in install_standard_documents(p.school, by=head):
        draft = document.versions.get()
        services.head_sign_off(version=draft, by=head)
        services.approve(version=draft, by=head)
    version = p.school.documents.get(kind=Kind.PARENT).current_version()
    return services.sign(
        version=version,
        signer=p.parent,
        subject=p.pupil,
        typed_name=p.parent.full_name,
        consents=dict.fromkeys(Channel.values, True),
    )


def due(p, today):
    groups = retention.review(p.school, p.esafety_officer, today)
    return {d.candidate.ref: d for g in groups for d in g.due}


def test_a_signature_is_kept_a_year_after_the_child_leaves(personas):
    p = personas
    signature = parent_signature(p)
    today = timezone.localdate()
    assert record_ref(signature) not in due(p, today + datetime.timedelta(days=3000))

    left = today - datetime.timedelta(days=10)
    Membership.objects.filter(user=p.pupil, school=p.school).update(ended_on=left)
    later = left.replace(year=left.year + 1) if (left.month, left.day) != (2, 29) else None
    later = later or datetime.date(left.year + 1, 3, 1)
    assert record_ref(signature) not in due(p, later - datetime.timedelta(days=1))
    found = due(p, later)[record_ref(signature)]
    assert found.candidate.keep_until == later

    retention.approve_destruction(
        school=p.school, by=p.esafety_officer, refs=[record_ref(signature)], today=later
    )
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert not ConsentAnswer.objects.filter(signature_id=signature.pk).exists()
    tombstone = Tombstone.objects.get()
    assert tombstone.reference == f"SIG-{signature.pk}"
    assert p.parent.full_name not in tombstone.reference + tombstone.kind
