"""`manage.py seed_demo`: every role present, every app's demo data, and safe to run again."""

from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import Document, Signature, SignRequest
from esafety.models import Membership, ParentLink, Role, TrusteeMembership, User
from incidents.models import Incident

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Membership, ParentLink, Incident, Document, Signature, SignRequest)
    }


def test_demo_has_every_role_and_is_idempotent(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    output = StringIO()
    call_command("seed_demo", stdout=output)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first

    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert TrusteeMembership.objects.filter(is_chair=True).exists()
    both = User.objects.get(email="head@brookfield.example")
    assert set(both.memberships.values_list("role", flat=True)) == {
        Role.HEADTEACHER,
        Role.ESAFETY_OFFICER,
    }
    assert "demo-password-2026" in output.getvalue()


def test_demo_agreements_leave_something_to_do_on_both_sides():
    call_command("seed_demo", stdout=StringIO())
    assert Document.objects.filter(school__slug="brookfield").count() == 8
    assert Signature.objects.exists()
    parent = User.objects.get(email="parent@brookfield.example")
    # The demo parent has two children still to sign for; others have signed.
    assert parent.sign_requests.filter(completed_at__isnull=True).count() == 2
    assert Signature.objects.filter(method="in_class").exists()
    assert Signature.objects.filter(answers__given=False).exists()
    assert Signature.objects.filter(answers__given=True).exists()
