"""Each of training's do-once steps clicked several times at the same moment, through a
real server on the project's database (SQLite, or PostgreSQL in CI): done once, and every
click lands where a single click lands, none on an error page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.models import Notification
from esafety.testing import sign_in
from esafety.testing_http import clicked_at_once, notes_after
from training import services
from training.models import CPDStatus, TrainingRecord
from training.tests.factories import days_ago, parent_session, record, requirement

pytestmark = pytest.mark.django_db(transaction=True)


def _reasons(found) -> list[str]:
    return [entry.history_change_reason for entry in found.history.all()]


def test_verifying_at_once_verifies_once(personas, http_server):
    p = personas
    found = record(p.teacher, requirement(p.school), days_ago(2))
    path = reverse("training-record-verify", args=[found.pk])
    landed = clicked_at_once(http_server, path, p.esafety_officer)
    assert landed == {found.get_absolute_url()}
    found.refresh_from_db()
    assert found.verified_by == p.esafety_officer
    assert _reasons(found).count("Verified") == 1


def _approved_cpd(p):
    cpd = services.ask_for_cpd(school=p.school, by=p.teacher, topic="Responding to sextortion")
    due = timezone.localdate() + datetime.timedelta(days=20)
    return services.decide_cpd(request=cpd, by=p.esafety_officer, approve=True, due_on=due)


def test_deciding_a_cpd_request_at_once_plans_it_once(personas, http_server):
    p = personas
    cpd = services.ask_for_cpd(school=p.school, by=p.teacher, topic="Responding to sextortion")
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    path = reverse("training-cpd-decide", args=[p.school.slug, cpd.pk])
    data = {"decision": "approve", "due_on": due, "reason": ""}
    landed = clicked_at_once(http_server, path, p.esafety_officer, data)
    assert landed == {reverse("training-inbox", args=[p.school.slug])}
    cpd.refresh_from_db()
    assert cpd.status == CPDStatus.APPROVED
    assert TrainingRecord.objects.filter(person=p.teacher, title=cpd.topic).count() == 1


def test_recording_planned_training_done_at_once_records_it_once(personas, http_server):
    p = personas
    planned = _approved_cpd(p).planned_record
    path = reverse("training-record-complete", args=[planned.pk])
    data = {"completed_on": timezone.localdate().isoformat()}
    landed = clicked_at_once(http_server, path, p.teacher, data)
    assert landed == {reverse("training-mine")}
    planned.refresh_from_db()
    assert planned.completed_on == timezone.localdate()
    assert _reasons(planned).count("Done") == 1


def test_inviting_parents_at_once_invites_each_once(personas, http_server):
    p = personas
    session = parent_session(p)
    path = reverse("training-parent-session-invite", args=[p.school.slug, session.pk])
    landed = clicked_at_once(http_server, path, p.esafety_officer)
    assert landed == {session.get_absolute_url()}
    assert Notification.objects.filter(recipient=p.parent).count() == 1


def test_second_clicks_on_verify_and_invite_are_notes_not_errors(personas, client):
    p = personas
    found = record(p.teacher, requirement(p.school), days_ago(2))
    session = parent_session(p)
    sign_in(client, p.esafety_officer)
    for path, note in (
        (reverse("training-record-verify", args=[found.pk]), "You verified this record already."),
        (
            reverse("training-parent-session-invite", args=[p.school.slug, session.pk]),
            "The parents were already invited.",
        ),
    ):
        client.post(path, follow=True)  # the first click, its note read on the page it opens
        assert notes_after(client.post(path)) == [("info", note)]


def test_verify_goes_back_only_to_a_page_of_this_site(personas, client):
    p = personas
    found = record(p.teacher, requirement(p.school), days_ago(2))
    sign_in(client, p.esafety_officer)
    path = reverse("training-record-verify", args=[found.pk])
    away = client.post(path, {"next": "https://elsewhere.example/phish"})
    assert away.url == found.get_absolute_url()
    assert client.post(path, {"next": "-1"}).url == found.get_absolute_url()  # not a path
    assert client.post(path, {"next": "/training/"}).url == "/training/"
