"""`manage.py seed_demo`: every role present, every app's demo data, and safe to run again."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from agreements.models import Document, Signature, SignRequest
from esafety.models import Membership, ParentLink, Role, TrusteeMembership, TrustLead, User
from esafety.roles import home_roles, requires_two_factor
from esafety.tests.test_operations import NOT_FROM_THE_TEST_ENVIRONMENT
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
    assert TrustLead.objects.count() == 1  # once, however often it runs


def test_the_demo_has_a_trust_safeguarding_lead_with_a_login():
    call_command("seed_demo", stdout=StringIO())
    lead = TrustLead.objects.active().select_related("user").get().user
    assert lead.email == "safeguarding@riverside.example"
    assert lead.check_password("demo-password-2026")
    assert home_roles(lead) == ["trust_lead"]
    assert requires_two_factor(lead)


def test_demo_agreements_leave_something_to_do_on_both_sides():
    call_command("seed_demo", stdout=StringIO())
    # The eight standard documents (apps may add their own, e.g. loan agreements: "other").
    assert Document.objects.filter(school__slug="brookfield").exclude(kind="other").count() == 8
    assert Signature.objects.exists()
    parent = User.objects.get(email="parent@brookfield.example")
    # The demo parent has two children still to sign for; others have signed.
    open_requests = parent.sign_requests.filter(completed_at__isnull=True)
    assert open_requests.exclude(document__kind="other").count() == 2
    assert Signature.objects.filter(method="in_class").exists()
    assert Signature.objects.filter(answers__given=False).exists()
    assert Signature.objects.filter(answers__given=True).exists()


def test_seed_demo_works_on_its_own_on_a_fresh_checkout(tmp_path):
    """The README's `manage.py migrate` then `manage.py seed_demo`, with no var/ folder and
    the embedded default (SQLite, a real filesystem queue): the seed queues its
    notification emails, and every queue folder is made under var/celery/."""
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in NOT_FROM_THE_TEST_ENVIRONMENT}
    env.update(
        DJANGO_SETTINGS_MODULE="esafety.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(var),
    )
    manage = Path(settings.BASE_DIR) / "manage.py"
    for command in ("migrate", "seed_demo"):
        result = subprocess.run(
            [sys.executable, str(manage), command],
            cwd=tmp_path,  # kombu's own default folders would land here
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    assert "demo-password-2026" in result.stdout
    celery = var / "celery"
    assert sorted(p.name for p in celery.iterdir()) == ["control", "processed", "queue"]
    assert any((celery / "queue").iterdir())  # the notification emails, queued for the worker
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3", "var"]


def test_the_demo_trusts_microsoft_sign_in_is_filled_in_but_off():
    """The chair sees what a set-up provider looks like; nobody is sent to a tenant that
    does not exist."""
    from esafety.models import TrustSignIn

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    sign_in = TrustSignIn.objects.get()
    assert not sign_in.enabled
    assert set(sign_in.domains.values_list("domain", flat=True)) >= {"hillside.example"}
