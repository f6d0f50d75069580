"""The MIS sync and the CSV import are one path: people a school imported from a CSV file
are recognised by the sync (no one twice), and the sync refuses a value with the CSV
import's own words."""

import pytest

from esafety.models import Membership, User
from esafety.people_import import import_people
from roster import services
from roster.models import Kind, MatchOn, Outcome, RosterSource, Status

from . import bundles

pytestmark = pytest.mark.django_db

CSV = """record_type,mis_id,first_name,last_name,email,year_group,staff_type
pupil,ADM1001,Amelia,Hart,,7,
pupil,ADM1002,Oliver,Hart,,7,
staff,STF001,Daniel,Okafor,d.okafor@hollybrook.example,,teacher
"""


def test_people_imported_from_csv_are_recognised_by_the_sync(personas):
    result = import_people(
        school=personas.school, uploaded_file_or_text=CSV, imported_by=personas.headteacher
    )
    assert result.imported
    amelia = Membership.objects.get(external_id="ADM1001")
    RosterSource.objects.create(
        school=personas.school,
        kind=Kind.BUNDLE,
        match_on=MatchOn.IDENTIFIER,
        approved_first_run=True,
        max_leavers_percent=100,
    )
    people = User.objects.count()
    run = services.sync_bundle(
        school=personas.school, data=bundles.bundle_11(), filename="x.zip", by=None
    )
    assert run.status == Status.APPLIED, run.reason
    # Amelia and Oliver keep their roles, now with their form from the MIS; Daniel is
    # as he was.
    changed = run.rows.filter(outcome=Outcome.CHANGED)
    assert sorted(changed.values_list("name", flat=True)) == ["Amelia Hart", "Oliver Hart"]
    assert run.unchanged == 1
    amelia.refresh_from_db()
    assert (amelia.class_name, amelia.ended_on) == ("7X", None)
    # Priya, her carer, Sarah Hart (linked to Amelia and Oliver) and Emma Walsh are new.
    assert run.joined == 4 and User.objects.count() == people + 4


def test_the_sync_refuses_a_value_in_the_csv_imports_words(personas):
    RosterSource.objects.create(school=personas.school, kind=Kind.BUNDLE, approved_first_run=True)
    users = list(bundles.USERS_11)
    users[5] = users[5].replace("d.okafor@hollybrook.example", "d.okafor@")
    run = services.sync_bundle(
        school=personas.school, data=bundles.bundle_11(users), filename="x.zip", by=None
    )
    refused = run.rows.get(outcome=Outcome.REFUSED)
    csv = import_people(
        school=personas.school,
        uploaded_file_or_text="record_type,mis_id,first_name,last_name,email,staff_type\n"
        "staff,T9,Daniel,Okafor,d.okafor@,teacher\n",
        imported_by=personas.headteacher,
        dry_run=True,
    )
    assert refused.detail == csv.errors[0].message == "'d.okafor@' isn't a valid email address."
