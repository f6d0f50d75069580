"""Registers whose counts are cached (the register's figures by class or role, one
channel's consent counts, the internet-access register's figures) show a new signature
on the very next view: the cache follows the coverage figures' generations."""

import pytest
import time_machine

from agreements import registers, services
from agreements.tests.test_registers import THIS_YEAR, YES, aup, world  # noqa: F401
from esafety.testing import sign_in

pytestmark = pytest.mark.django_db


def test_a_registers_figures_follow_a_new_signature(personas, aup):  # noqa: F811
    p = personas
    before = registers.register_listing(aup)
    assert (before.total.signed, before.total.expired) == (1, 1)
    services.sign(
        version=aup.current_version(),
        signer=p.technician,
        subject=p.technician,
        typed_name="Tess Technician",
    )
    after = registers.register_listing(aup)
    assert (after.total.signed, after.total.expired) == (2, 0)
    assert sum(figures.signed for _, figures in after.groups) == 2


def test_the_internet_register_counts_follow_a_new_signature(personas, client, aup):  # noqa: F811
    p = personas
    sign_in(client, p.technician)
    url = "/schools/oakwood/agreements/internet-access/"
    assert "<strong>3</strong> people have not signed" in client.get(url).content.decode()
    services.sign(
        version=aup.current_version(),
        signer=p.technician,
        subject=p.technician,
        typed_name="Tess Technician",
    )
    page = client.get(url, {"access": "yes"}).content.decode()
    assert "<strong>2</strong> people have not signed" in client.get(url).content.decode()
    assert "Tess Technician" in page


def test_one_channels_consent_counts_follow_a_new_answer(personas, world, client):  # noqa: F811
    sign_in(client, personas.headteacher)
    url = "/schools/oakwood/agreements/consent/"
    asked = {"class_name": "5A", "channel": "website"}
    with time_machine.travel(THIS_YEAR, tick=False):
        may, _ = client.get(url, asked).content.decode().split("Must not appear")
        assert "Dan Daniels" not in may
        dora = world["dan"].parent_links.get().parent
        services.sign(
            version=world["parent"].current_version(),
            signer=dora,
            subject=world["dan"],
            typed_name="Dora Daniels",
            consents=YES,
        )
        may, must_not = client.get(url, asked).content.decode().split("Must not appear")
    assert "Dan Daniels" in may and "Dan Daniels" not in must_not
