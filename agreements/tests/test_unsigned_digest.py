"""After the reminders run out, the e-safety officer gets a weekly digest of who is still
not signed, week after week until none are left; never two in one week."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agreements import services
from agreements.models import Document, Kind
from agreements.tests.factories import published
from esafety.models import Membership, Notification, SweepAction
from esafety.services import end_membership
from esafety.sweeps import registered_jobs, run_sweeps

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime.datetime(2026, 10, 5, 9, tzinfo=LONDON)
STAFF = ["headteacher", "esafety_officer", "technician", "staff"]


def at(days, hours=0):
    return MONDAY + datetime.timedelta(days=days, hours=hours, minutes=1)


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        run_sweeps(jobs={k: v for k, v in registered_jobs().items() if k.startswith("agreements.")})


def digests(personas):
    return Notification.objects.filter(
        recipient=personas.esafety_officer, title__contains="still not signed after every"
    ).order_by("created_at", "pk")


def document(personas, title, limit=1):
    doc = Document.objects.create(
        school=personas.school,
        kind=Kind.STAFF_AUP,
        title=title,
        audience_roles=STAFF,
        reminder_limit=limit,
    )
    with time_machine.travel(MONDAY, tick=False):
        published(doc, personas.headteacher)
    return doc


def sign(person, doc, name):
    services.sign(version=doc.current_version(), signer=person, subject=person, typed_name=name)


@pytest.fixture
def aup(personas):
    return document(personas, "Staff AUP")


def run_out(personas):
    """One reminder on day 7; on day 14 the reminders have run out."""
    sweep_at(at(7))
    sweep_at(at(14))


def test_a_digest_each_week_never_two_in_one_week(personas, aup):
    run_out(personas)
    [first] = digests(personas)
    assert first.title == "This week: 4 still not signed after every reminder (Oakwood Primary)"
    assert first.body == "Staff AUP: 4 after 1 reminder"
    assert first.link == f"/schools/oakwood/agreements/registers/{aup.pk}/?status=outstanding"
    # The same week: later that day (twice), and on Sunday.
    for moment in (at(14, 1), at(14, 1), at(20, 14)):
        sweep_at(moment)
    assert digests(personas).count() == 1
    # One record for the week, whatever the number of sweeps.
    assert SweepAction.objects.filter(key__contains="unsigned-digest").count() == 1
    # The next Monday: the second week's digest, with who is still outstanding.
    sign(personas.teacher, aup, "Terry Teacher")
    sweep_at(at(21))
    assert digests(personas).count() == 2
    assert digests(personas).last().body == "Staff AUP: 3 after 1 reminder"


def test_no_digest_once_everyone_has_signed_or_left(personas, aup):
    run_out(personas)
    assert digests(personas).count() == 1
    for person, name in (
        (personas.headteacher, "Hana Head"),
        (personas.esafety_officer, "Eddie Officer"),
        (personas.technician, "Tess Technician"),
    ):
        sign(person, aup, name)
    # Terry leaves: a leaver is not chased.
    with time_machine.travel(at(15), tick=False):
        end_membership(
            membership=Membership.objects.get(user=personas.teacher, school=personas.school),
            ended_on=datetime.date(2026, 10, 20),
        )
    for week in (1, 2, 3):
        sweep_at(at(14 + 7 * week))
    assert digests(personas).count() == 1


def test_one_message_for_the_school_lists_each_document(personas, aup):
    document(personas, "Volunteer AUP", limit=1)
    run_out(personas)
    [digest] = digests(personas)
    assert digest.title == "This week: 8 still not signed after every reminder (Oakwood Primary)"
    assert digest.body.splitlines() == [
        "Staff AUP: 4 after 1 reminder",
        "Volunteer AUP: 4 after 1 reminder",
    ]
    assert digest.link == "/schools/oakwood/agreements/registers/"


def test_no_digest_before_the_reminders_have_run_out(personas):
    document(personas, "Staff AUP", limit=2)
    sweep_at(at(7))
    sweep_at(at(14))  # the second reminder
    sweep_at(at(20))
    assert not digests(personas).exists()
    sweep_at(at(21))
    assert digests(personas).count() == 1
