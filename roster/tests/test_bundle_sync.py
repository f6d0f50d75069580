"""A school's OneRoster CSV bundle, through the people import's own matching and writing."""

from unittest import mock

import pytest
from django.utils import timezone

from esafety.models import Membership, ParentLink, Role, User
from esafety.signals import people_left
from roster import services
from roster.models import Kind, Outcome, RosterRun, RosterSource, Status

from . import bundles

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(personas):
    return RosterSource.objects.create(school=personas.school, kind=Kind.BUNDLE)


def upload(personas, data, name="oneroster.zip"):
    return services.sync_bundle(
        school=personas.school, data=data, filename=name, by=personas.headteacher
    )


def synced(personas, source, data=None):
    """The bundle's people written: the first sync previewed, then approved."""
    run = upload(personas, data or bundles.bundle_11())
    run = services.approve_run(run=run, by=personas.headteacher)
    source.refresh_from_db()
    return run


def roles_from_mis(school):
    return Membership.objects.filter(school=school).exclude(external_id="")


def names(run, outcome):
    return sorted(run.rows.filter(outcome=outcome).values_list("name", flat=True))


def test_the_first_sync_is_a_preview_that_writes_nothing(personas, source):
    people_before = User.objects.count()
    run = upload(personas, bundles.bundle_11())
    assert run.status == Status.PREVIEW
    assert (run.joined, run.changed, run.left, run.refused) == (7, 0, 0, 0)
    assert names(run, Outcome.JOINED) == [
        "Amelia Hart",
        "Daniel Okafor",
        "Emma Walsh",
        "Oliver Hart",
        "Priya Nair",
        "Ravi Nair",
        "Sarah Hart",
    ]
    assert User.objects.count() == people_before
    assert not roles_from_mis(personas.school).exists()
    source.refresh_from_db()
    assert not source.approved_first_run


def test_approving_the_preview_writes_pupils_staff_parents_and_links(personas, source):
    run = synced(personas, source)
    assert run.status == Status.APPLIED and run.payload is None
    amelia = Membership.objects.get(school=personas.school, external_id="stu-001")
    assert (amelia.role, amelia.year_group, amelia.class_name) == (Role.PUPIL, 7, "7X")
    okafor = Membership.objects.get(school=personas.school, external_id="tch-001")
    assert (okafor.role, okafor.staff_type, okafor.user.email) == (
        Role.STAFF,
        "teacher",
        "d.okafor@hollybrook.example",
    )
    sarah = User.objects.get(email="sarah.hart@example.com")
    children = set(
        ParentLink.objects.filter(parent=sarah).values_list("child__full_name", flat=True)
    )
    assert children == {"Amelia Hart", "Oliver Hart"}
    ravi = ParentLink.objects.get(parent__email="ravi.nair@example.com")
    assert (ravi.child.full_name, ravi.relationship) == ("Priya Nair", "guardian")
    assert amelia.history.first().history_change_reason == "MIS sync"
    assert amelia.history.first().history_user == personas.headteacher
    source.refresh_from_db()
    assert source.approved_first_run


@pytest.mark.parametrize(
    ("bundle", "roles"), [(bundles.bundle_11, 7), (bundles.bundle_12, 8)], ids=["1.1", "1.2"]
)
def test_the_same_bundle_again_changes_nothing(personas, source, bundle, roles):
    synced(personas, source, bundle())
    memberships = list(Membership.objects.values_list("pk", "ended_on", "year_group", "class_name"))
    history = Membership.history.count()
    run = upload(personas, bundle())
    assert run.status == Status.NOTHING
    assert (run.joined, run.changed, run.left, run.unchanged) == (0, 0, 0, roles)
    assert list(Membership.objects.values_list("pk", "ended_on", "year_group", "class_name")) == (
        memberships
    )
    assert Membership.history.count() == history


def test_changes_apply_unattended_after_the_first_approval(personas, source):
    synced(personas, source)
    users = list(bundles.USERS_11)
    users[0] = users[0].replace(",07,", ",08,")
    run = upload(personas, bundles.bundle_11(users))
    assert run.status == Status.APPLIED
    assert (run.joined, run.changed, run.left) == (0, 1, 0)
    assert run.rows.get().detail == "Year group"
    assert Membership.objects.get(external_id="stu-001").year_group == 8


def test_a_leaver_within_the_limit_has_their_role_ended_not_deleted(personas, source):
    synced(personas, source)
    source.max_leavers_percent = 20
    source.save()
    heard = []
    people_left.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="t-left")
    try:
        users = [u for u in bundles.USERS_11 if not u.startswith("tch-002")]
        with mock.patch("django.db.transaction.on_commit", lambda f, **kw: f()):
            run = upload(personas, bundles.bundle_11(users))
    finally:
        people_left.disconnect(dispatch_uid="t-left")
    assert run.status == Status.APPLIED and run.left == 1
    walsh = Membership.objects.get(external_id="tch-002")
    assert walsh.ended_on == timezone.localdate()
    assert User.objects.filter(email="e.walsh@hollybrook.example").exists()
    assert names(run, Outcome.LEFT) == ["Emma Walsh"]
    assert heard and heard[0]["memberships"] == {walsh.pk: ""}


def test_over_the_leavers_limit_it_stops_and_asks(personas, source, any_leaver_counts):
    synced(personas, source)
    users = [u for u in bundles.USERS_11 if not u.startswith("tch-002")]
    run = upload(personas, bundles.bundle_11(users))
    assert run.status == Status.HELD
    assert "1 of 3 staff (33.3%) would leave" in run.reason and "5%" in run.reason
    assert Membership.objects.get(external_id="tch-002").ended_on is None
    run = services.approve_run(run=run, by=personas.esafety_officer)
    assert run.status == Status.APPLIED and run.decided_by == personas.esafety_officer
    assert Membership.objects.get(external_id="tch-002").ended_on == timezone.localdate()


def test_a_discarded_run_changes_nothing_and_cannot_be_approved(personas, source):
    run = upload(personas, bundles.bundle_11())
    services.discard_run(run=run, by=personas.headteacher)
    run.refresh_from_db()
    assert run.status == Status.DISCARDED and run.payload is None
    with pytest.raises(services.NotWaiting):
        services.approve_run(run=run, by=personas.headteacher)
    assert not roles_from_mis(personas.school).exists()


def test_a_newer_sync_replaces_one_still_waiting(personas, source):
    first = upload(personas, bundles.bundle_11())
    second = upload(personas, bundles.bundle_11())
    first.refresh_from_db()
    assert first.status == Status.DISCARDED and second.status == Status.PREVIEW


def test_hand_added_people_and_leadership_roles_never_leave(personas, source):
    synced(personas, source)
    source.max_leavers_percent = 100
    source.save()
    run = upload(personas, bundles.bundle_11(bundles.USERS_11[:1]))
    assert run.status == Status.APPLIED
    # Only pupils are in this file: it can't say staff or parents have left.
    assert names(run, Outcome.LEFT) == ["Oliver Hart", "Priya Nair"]
    still = Membership.objects.active().filter(school=personas.school)
    assert {personas.pupil, personas.parent, personas.teacher, personas.headteacher} <= {
        m.user for m in still
    }


def test_oneroster_12_gives_a_teacher_who_is_also_a_parent_both_roles(personas, source):
    run = synced(personas, source, bundles.bundle_12())
    assert run.joined == 8  # seven people, Emma Walsh twice
    walsh = User.objects.get(email="e.walsh@hollybrook.example")
    assert set(walsh.memberships.values_list("role", flat=True)) == {Role.STAFF, Role.PARENT}
    assert ParentLink.objects.get(parent=walsh).child.full_name == "Oliver Hart"


def test_a_delta_bundle_ends_the_leaver_and_updates_the_changed(personas, source):
    synced(personas, source)
    source.max_leavers_percent = 20
    source.save()
    run = upload(
        personas,
        bundles.delta_11(
            [
                "stu-003,tobedeleted,2026-10-06T07:30:00.000Z,false,org-001,student,priya.nair,"
                "{MIS:1003},Priya,Nair,,ADM1003,priya.nair@pupils.hollybrook.example,,,par-002,07,",
                "par-002,active,2026-10-06T07:30:00.000Z,true,org-001,guardian,"
                "ravi.nair@example.com,{MIS:5002},Ravi,Nair,,,r.nair@example.com,,+441632960001,"
                "stu-003,,",
            ]
        ),
    )
    assert run.status == Status.APPLIED, run.reason
    assert (run.left, run.changed, run.joined) == (1, 1, 0)
    assert Membership.objects.get(external_id="stu-003").ended_on == timezone.localdate()
    assert User.objects.filter(email="r.nair@example.com").exists()
    # Not in a delta: not leavers.
    assert Membership.objects.active().filter(external_id="tch-001").exists()


def test_a_leavers_destination_school_is_kept_on_the_run(personas, source):
    synced(personas, source)
    source.max_leavers_percent = 20
    source.save()
    header = bundles.USERS_11_HEADER + ",metadata.destinationSchool"
    rows = [u + "," for u in bundles.USERS_11]
    rows[2] = rows[2].replace(",,,true", ",tobedeleted,,true", 1) + "Elmstead High School"
    run = upload(personas, _users(header, rows))
    left = run.rows.get(outcome=Outcome.LEFT, name="Priya Nair")
    assert left.destination == "Elmstead High School"
    # Her carer has no other child here, so he leaves too (with no destination given).
    assert names(run, Outcome.LEFT) == ["Priya Nair", "Ravi Nair"]
    assert left.membership.ended_on == timezone.localdate()


def _users(header, rows):
    return bundles.bundle_11(users_csv=bundles.csv_text(header, rows))


def test_rows_with_problems_are_refused_and_the_rest_applied(personas, source):
    users = list(bundles.USERS_11)
    users[4] = users[4].replace("ravi.nair@example.com", "")  # a carer with no email
    users[1] = users[1].replace(",07,", ",Nursery,")
    run = synced(personas, source, bundles.bundle_11(users))
    assert run.status == Status.APPLIED
    refused = {row.name: row.detail for row in run.rows.filter(outcome=Outcome.REFUSED)}
    assert set(refused) == {"Ravi Nair", "Oliver Hart"}
    assert "email address" in refused["Ravi Nair"]
    assert "'Nursery' isn't a year group" in refused["Oliver Hart"]
    assert Membership.objects.filter(external_id="stu-001").exists()
    assert not Membership.objects.filter(external_id="stu-002").exists()


def test_a_failure_while_writing_changes_nothing(personas, source):
    synced(personas, source)
    users = list(bundles.USERS_11)
    users[0] = users[0].replace(",07,", ",08,")
    before = list(Membership.objects.order_by("pk").values_list("pk", "year_group", "ended_on"))
    with mock.patch.object(services, "_finish", side_effect=RuntimeError("disk full")):
        run = upload(personas, bundles.bundle_11(users))
    assert run.status == Status.FAILED
    assert "nothing was changed" in run.reason
    after = list(Membership.objects.order_by("pk").values_list("pk", "year_group", "ended_on"))
    assert after == before
    assert RosterRun.objects.filter(status=Status.APPLIED).count() == 1


@pytest.mark.parametrize(
    ("grades", "setting", "year"),
    [
        (["07"], "england", 7),
        (["KG"], "england", 0),
        (["Year 10"], "england", 10),
        (["06"], "us", 7),
        (["PK"], "us", 0),
        (["KG"], "us", 1),
        (["12"], "us", 13),
    ],
)
def test_year_groups_from_the_mis_grades(grades, setting, year):
    from esafety.people_import import parse_year_group
    from roster.records import year_group_cell

    assert parse_year_group(year_group_cell(grades, us_grades=setting == "us")) == year


def test_a_mis_sending_us_grades_gives_englands_year_groups(personas, source):
    source.grades = "us"
    source.save()
    users = [u.replace(",07,", ",06,") for u in bundles.USERS_11]
    synced(personas, source, bundles.bundle_11(users))
    assert Membership.objects.get(external_id="stu-001").year_group == 7


def test_approving_applies_only_what_was_previewed(personas, source, any_leaver_counts):
    from esafety.testing import person

    synced(personas, source)
    users = [u for u in bundles.USERS_11 if not u.startswith("tch-002")]
    run = upload(personas, bundles.bundle_11(users))
    assert run.status == Status.HELD and names(run, Outcome.LEFT) == ["Emma Walsh"]
    # After the preview, a CSV import adds a member of staff the MIS doesn't list.
    added = person(personas.school, Role.STAFF, name="Nadia Clarke", external_id="STF050")
    with pytest.raises(services.PlanChanged):
        services.approve_run(run=run, by=personas.headteacher)
    run.refresh_from_db()
    assert run.status == Status.HELD and run.payload is not None and run.decided_by is None
    assert "people changed after this sync was worked out" in run.reason
    assert "would leave" in run.reason  # the limit checked again on the new plan
    assert names(run, Outcome.LEFT) == ["Emma Walsh", "Nadia Clarke"]
    assert not Membership.objects.filter(ended_on__isnull=False).exists()
    # Approved again, it applies the plan now shown.
    run = services.approve_run(run=run, by=personas.headteacher)
    assert run.status == Status.APPLIED
    assert added.memberships.get().ended_on == timezone.localdate()
    assert Membership.objects.get(external_id="tch-002").ended_on == timezone.localdate()


def test_a_first_preview_is_shown_again_if_the_school_changed(personas, source):
    from esafety.testing import person

    run = upload(personas, bundles.bundle_11())
    person(personas.school, Role.PUPIL, name="Amelia Hart", external_id="stu-001")
    with pytest.raises(services.PlanChanged):
        services.approve_run(run=run, by=personas.headteacher)
    run.refresh_from_db()
    assert run.status == Status.PREVIEW and run.joined == 6
    source.refresh_from_db()
    assert not source.approved_first_run


def test_a_feed_that_drops_most_of_the_staff_stops_even_in_a_big_school(personas, source):
    synced(personas, source, bundles.school_bundle(200, staff=80))
    source.max_leavers_percent = 20
    source.save()
    # 78 of the school's 481 pupils, staff and parents (16%) is within 20%; of its staff
    # it is nearly all.
    run = upload(personas, bundles.school_bundle(200, staff=2))
    assert run.status == Status.HELD and run.left == 78
    assert run.reason.startswith("78 of 81 staff (96.3%) would leave, more than the 20%")
    assert "pupils (" not in run.reason
    assert not Membership.objects.filter(ended_on__isnull=False).exists()


def test_a_few_leavers_of_a_group_never_stop_a_sync(personas, source):
    synced(personas, source, bundles.school_bundle(20, staff=20))
    run = upload(personas, bundles.school_bundle(20, staff=17))  # 3 of 21 staff
    assert run.status == Status.APPLIED and run.left == 3
    run = upload(personas, bundles.school_bundle(20, staff=13, left=[0, 1, 2, 3]))
    assert run.status == Status.HELD
    assert "4 of 18 staff (22.2%)" in run.reason and "4 of 21 pupils (19.0%)" in run.reason
    assert "4 of 21 parents and carers (19.0%)" in run.reason
