"""The MIS sync's pages, as the school's e-safety officer uses them."""

from unittest import mock

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esafety.models import Membership
from esafety.testing import sign_in
from roster.models import Kind, RosterRun, RosterSource, Status

from . import bundles
from .test_rest_sync import BASE, SECRET, TOKEN_URL, FakeMis

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(personas, client):
    sign_in(client, personas.esafety_officer)
    return client


def overview(personas):
    return reverse("roster", args=[personas.school.slug])


def test_before_set_up_the_page_says_how_to_start(personas, officer):
    page = officer.get(overview(personas)).content.decode()
    assert "Set up the sync" in page


def test_upload_preview_then_approve(personas, officer):
    RosterSource.objects.create(school=personas.school, kind=Kind.BUNDLE)
    response = officer.post(
        overview(personas),
        {"bundle": SimpleUploadedFile("hollybrook.zip", bundles.bundle_11())},
        follow=True,
    )
    page = response.content.decode()
    assert "Nothing has changed yet" in page and "Amelia Hart" in page and "Joins" in page
    run = RosterRun.objects.get()
    assert not Membership.objects.filter(external_id="stu-001").exists()
    response = officer.post(reverse("roster-run-approve", args=[run.pk]), follow=True)
    assert "The sync was applied." in response.content.decode()
    assert Membership.objects.filter(external_id="stu-001", school=personas.school).exists()
    leavers = officer.get(reverse("roster-run", args=[run.pk]) + "?outcome=left")
    assert "No one here." in leavers.content.decode()


def test_a_bad_zip_gives_its_reason_on_the_page(personas, officer):
    RosterSource.objects.create(school=personas.school, kind=Kind.BUNDLE)
    response = officer.post(
        overview(personas),
        {"bundle": SimpleUploadedFile("export.zip", b"not a zip at all")},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The sync failed, so nothing was changed" in page and "isn&#x27;t a zip file" in page


def test_a_file_that_is_not_named_zip_is_refused_by_the_form(personas, officer):
    RosterSource.objects.create(school=personas.school, kind=Kind.BUNDLE)
    response = officer.post(
        overview(personas), {"bundle": SimpleUploadedFile("people.csv", b"a,b\n1,2\n")}
    )
    assert response.status_code == 400
    assert "Choose the .zip file your MIS exported" in response.content.decode()
    assert not RosterRun.objects.exists()


def rest_settings(**overrides):
    data = {
        "kind": Kind.REST,
        "version": "1.2",
        "base_url": BASE,
        "token_url": TOKEN_URL,
        "auth_method": "oauth2",
        "client_id": "client-42",
        "client_secret": SECRET,
        "match_on": "sourcedId",
        "grades": "england",
        "max_leavers_percent": "5",
        "nightly": "on",
    }
    return data | overrides


def test_rest_settings_keep_the_secret_encrypted_and_never_show_it(personas, officer):
    url = reverse("roster-settings", args=[personas.school.slug])
    assert officer.post(url, rest_settings()).status_code == 302
    source = RosterSource.objects.get()
    assert source.client_secret == SECRET and SECRET not in source.client_secret_encrypted
    assert SECRET not in officer.get(url).content.decode()
    # Saved again without the secret: the stored one is kept.
    officer.post(url, rest_settings(client_secret="", client_id="client-43"))
    source.refresh_from_db()
    assert (source.client_id, source.client_secret) == ("client-43", SECRET)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://mis.example/ims/oneroster/v1p1", "Use an https:// address"),
        ("https://127.0.0.1/ims/oneroster/v1p1", "on the internet"),
        ("https://10.1.2.3/ims/oneroster/v1p1", "on the internet"),
        ("https://localhost/ims/oneroster/v1p1", "on the internet"),
    ],
)
def test_the_mis_address_must_be_on_the_internet(personas, officer, address, message):
    url = reverse("roster-settings", args=[personas.school.slug])
    response = officer.post(url, rest_settings(base_url=address))
    assert response.status_code == 400 and message in response.content.decode()
    assert not RosterSource.objects.exists()


def test_rest_needs_its_address_id_and_secret(personas, officer):
    url = reverse("roster-settings", args=[personas.school.slug])
    response = officer.post(url, rest_settings(base_url="", client_id="", client_secret=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the REST address" in page and "Give the client ID" in page
    assert "Give the client secret" in page


def test_sync_now_runs_the_sync_and_shows_it(personas, officer, django_capture_on_commit_callbacks):
    url = reverse("roster-settings", args=[personas.school.slug])
    officer.post(url, rest_settings())
    with (
        mock.patch.object(requests.Session, "request", autospec=True, side_effect=FakeMis()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = officer.post(reverse("roster-sync-now", args=[personas.school.slug]))
    assert response.status_code == 302
    run = RosterRun.objects.get()
    assert (run.status, run.started_by, run.joined) == (
        Status.PREVIEW,
        personas.esafety_officer,
        5,
    )
    page = officer.get(overview(personas)).content.decode()
    assert "A sync is waiting for you" in page


def test_approving_after_the_school_changed_says_so_and_applies_nothing(personas, officer):
    from esafety.models import Role
    from esafety.testing import person

    RosterSource.objects.create(school=personas.school, kind=Kind.BUNDLE)
    officer.post(overview(personas), {"bundle": SimpleUploadedFile("x.zip", bundles.bundle_11())})
    run = RosterRun.objects.get()
    person(personas.school, Role.STAFF, name="Nadia Clarke", external_id="tch-001")
    response = officer.post(reverse("roster-run-approve", args=[run.pk]), follow=True)
    page = response.content.decode()
    assert "people changed after this sync was worked out" in page
    assert "approve it again" in page
    run.refresh_from_db()
    assert run.status == Status.PREVIEW
    assert not Membership.objects.filter(user__email="sarah.hart@example.com").exists()
