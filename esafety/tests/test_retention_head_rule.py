"""The headteacher rule on retention's legal holds: a hold on a concern about the
headteacher, or on the headteacher themselves, is neither shown to them nor theirs to
lift; the e-safety officer sees and lifts it as usual."""

import datetime

from django.urls import reverse

from esafety.retention import services
from esafety.retention.registry import record_ref
from esafety.testing import sign_in
from incidents.models import Incident, Part, PersonKind, Status, Subject
from incidents.tests.factories import report

LATER = datetime.date(2040, 1, 1)


def _held_concern(p):
    p.headteacher.date_of_birth = datetime.date(1950, 1, 1)
    p.headteacher.save()
    entry = {"person": p.headteacher, "name": "", "kind": PersonKind.STAFF, "part": Part.ALLEGED}
    incident = report(p.school, p.esafety_officer, subject=Subject.HEADTEACHER, people=[entry])
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED)
    due = {
        d.candidate.ref: d
        for g in services.review(p.school, p.esafety_officer, LATER)
        for d in g.due
    }
    hold = services.place_hold(
        school=p.school,
        by=p.esafety_officer,
        reason="A LADO inquiry is open",
        record=record_ref(incident),
        record_label=due[record_ref(incident)].candidate.title,
    )
    return incident, hold


def test_a_hold_on_a_concern_about_the_head_is_hidden_from_them(personas, client):
    p = personas
    incident, hold = _held_concern(p)
    sign_in(client, p.headteacher)
    page = client.get(reverse("retention-holds", args=[p.school.slug])).content.decode()
    assert "A LADO inquiry is open" not in page and incident.reference not in page
    lift = reverse("retention-hold-lift", args=[p.school.slug, hold.pk])
    assert client.post(lift, {"reason": "Done"}).status_code == 404
    hold.refresh_from_db()
    assert hold.lifted_at is None
    client.logout()
    sign_in(client, p.esafety_officer)
    page = client.get(reverse("retention-holds", args=[p.school.slug])).content.decode()
    assert "A LADO inquiry is open" in page
    assert client.post(lift, {"reason": "The inquiry closed."}).status_code == 302


def test_a_hold_on_the_head_themselves_is_not_theirs_to_see(personas, client):
    p = personas
    hold = services.place_hold(
        school=p.school, by=p.esafety_officer, reason="Police inquiry", person=p.headteacher
    )
    sign_in(client, p.headteacher)
    page = client.get(reverse("retention-holds", args=[p.school.slug])).content.decode()
    assert "Police inquiry" not in page
    lift = reverse("retention-hold-lift", args=[p.school.slug, hold.pk])
    assert client.get(lift).status_code == 404
