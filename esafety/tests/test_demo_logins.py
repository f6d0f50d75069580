"""The demo logins `make run` prints when the site is ready: every login that works, each
with what it is for, and the password."""

from io import StringIO

import pytest
from django.core.management import call_command

from esafety.management.commands.seed_demo import DEMO_PASSWORD, LOGIN_PURPOSES
from esafety.models import User


@pytest.mark.django_db
def test_seed_demo_prints_every_working_login_with_what_it_is_for():
    output = StringIO()
    call_command("seed_demo", stdout=output)
    printed = output.getvalue()
    assert DEMO_PASSWORD in printed

    lines = {line.split()[0]: line for line in printed.splitlines() if "@" in line}
    can_sign_in = {
        user.email for user in User.objects.exclude(email="") if user.has_usable_password()
    }
    assert set(lines) == can_sign_in  # no login missing, none that would not work
    for email in can_sign_in:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
        # Each says what it is for, in words (README.md lists the same).
        assert email in LOGIN_PURPOSES, f"add {email} to LOGIN_PURPOSES"
        assert LOGIN_PURPOSES[email] in lines[email]
