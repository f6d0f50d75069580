"""A bundle that can't be used gives the school a clear reason, and changes nothing."""

import zipfile
from unittest import mock

import pytest

from esafety.models import Membership, User
from roster import services
from roster.models import Kind, RosterSource, Status

from . import bundles

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(personas):
    return RosterSource.objects.create(
        school=personas.school, kind=Kind.BUNDLE, approved_first_run=True
    )


def failed(personas, data) -> str:
    before = (User.objects.count(), Membership.objects.count())
    run = services.sync_bundle(school=personas.school, data=data, filename="x.zip", by=None)
    assert run.status == Status.FAILED
    assert (User.objects.count(), Membership.objects.count()) == before
    return run.reason


def test_a_file_that_is_not_a_zip(personas, source):
    assert "isn't a zip file" in failed(personas, b"sourcedId,givenName\n1,Amelia\n")


def test_a_bundle_without_users(personas, source):
    reason = failed(personas, bundles.bundle_11(users_csv=None))
    assert "has no users.csv" in reason


def test_a_manifest_that_says_users_are_absent(personas, source):
    manifest = bundles.MANIFEST_11.replace("file.users,bulk", "file.users,absent")
    assert "users.csv is absent" in failed(personas, bundles.bundle_11(manifest_csv=manifest))


def test_users_without_the_columns_people_need(personas, source):
    header = bundles.USERS_11_HEADER.replace("givenName", "firstName")
    users = bundles.csv_text(header, bundles.USERS_11)
    reason = failed(personas, bundles.bundle_11(users_csv=users))
    assert "users.csv has no givenName column" in reason


def test_a_12_bundle_without_roles(personas, source):
    reason = failed(personas, bundles.bundle_12(roles_csv=None))
    assert "no roles.csv" in reason


def test_an_enrolment_date_that_is_not_a_date(personas, source):
    enrolments = bundles.ENROLLMENTS.replace("2027-07-22", "31/31/2027", 1)
    reason = failed(personas, bundles.bundle_11(enrollments_csv=enrolments))
    assert "enrollments.csv line 2: '31/31/2027' isn't a date" in reason


def test_a_bundle_of_several_schools_needs_this_schools_id(personas, source):
    orgs = bundles.ORGS + "org-002,,,Larkfield Primary,school,999998,\n"
    reason = failed(personas, bundles.bundle_11(orgs_csv=orgs))
    assert "holds 2 schools" in reason and "Larkfield Primary (org-002)" in reason
    source.org_sourced_id = "org-001"
    source.save()
    run = services.sync_bundle(
        school=personas.school,
        data=bundles.bundle_11(orgs_csv=orgs),
        filename="x.zip",
        by=None,
    )
    assert run.status == Status.APPLIED and run.joined == 7


def test_unknown_columns_are_named_and_the_rest_is_read(personas, source):
    header = bundles.USERS_11_HEADER.replace("dateLastModified", "dataLastModified")
    users = bundles.csv_text(header, bundles.USERS_11)
    run = services.sync_bundle(
        school=personas.school,
        data=bundles.bundle_11(users_csv=users),
        filename="x.zip",
        by=None,
    )
    assert run.status == Status.APPLIED and run.joined == 7
    assert any("dataLastModified" in w for w in run.warnings)


def test_a_birth_date_that_is_not_a_date_refuses_that_pupil(personas, source):
    manifest = bundles.MANIFEST_11.replace("file.demographics,absent", "file.demographics,bulk")
    demographics = (
        "sourcedId,status,dateLastModified,birthDate,sex\n"
        "stu-001,,,2015-02-30,female\n"
        "stu-002,,,2015-03-14,male\n"
    )
    run = services.sync_bundle(
        school=personas.school,
        data=bundles.bundle_11(manifest_csv=manifest, demographics_csv=demographics),
        filename="x.zip",
        by=None,
    )
    assert run.status == Status.APPLIED
    refused = run.rows.get(outcome="refused")
    assert refused.name == "Amelia Hart" and "'2015-02-30' is not a real date" in refused.detail
    oliver = Membership.objects.get(external_id="stu-002").user
    assert str(oliver.date_of_birth) == "2015-03-14"


def test_a_bundle_that_unzips_to_more_than_50_mb(personas, source):
    data = bundles.zip_of(
        {"users.csv": bundles.csv_text(bundles.USERS_11_HEADER, bundles.USERS_11),
         "padding.bin": b"\0" * (51 * 1024 * 1024)}
    )  # fmt: skip
    assert len(data) < 1024 * 1024
    assert "more than 50 MB" in failed(personas, data)


def test_a_file_with_too_many_rows(personas, source):
    from roster import oneroster

    with mock.patch.object(oneroster, "MAX_ROWS", 50):
        reason = failed(personas, bundles.school_bundle(20))  # 60 people
    assert "users.csv has more than 50 rows" in reason


def test_files_are_read_from_the_zip_as_streams(personas, source):
    with mock.patch.object(zipfile.ZipFile, "read", side_effect=AssertionError("whole file")):
        run = services.sync_bundle(
            school=personas.school, data=bundles.bundle_11(), filename="x.zip", by=None
        )
    assert run.status == Status.APPLIED and run.joined == 7


def test_blank_lines_and_a_byte_order_mark_are_read_as_before(personas, source):
    users = "\ufeff" + bundles.USERS_11_HEADER + "\n\n" + "\n  \n".join(bundles.USERS_11) + "\n"
    run = services.sync_bundle(
        school=personas.school,
        data=bundles.bundle_11(users_csv=users.encode()),
        filename="x.zip",
        by=None,
    )
    assert run.status == Status.APPLIED and run.joined == 7
