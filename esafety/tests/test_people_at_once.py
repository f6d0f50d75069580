"""Do-once steps on the people pages, clicked five times at the same moment through a real
server (SQLite as `make run` has it, or PostgreSQL with DATABASE_URL): ending a parent's
link, appointing a trust safeguarding lead and ending the appointment each happen once,
and every click lands where a single click goes."""

from django.urls import reverse

from esafety.models import ParentLink, Role, TrustLead
from esafety.testing import person
from esafety.testing_http import clicked_at_once


def test_ending_a_link_five_times_at_once_ends_it_once(personas, http_server):
    link = ParentLink.objects.get(parent=personas.parent, child=personas.pupil)
    path = reverse("parent-link-end", args=[personas.school.slug, link.pk])
    went = clicked_at_once(http_server, path, personas.headteacher, {"reason": "Court order"})
    assert went == {reverse("person-detail", args=[personas.school.slug, personas.pupil.pk])}
    link.refresh_from_db()
    assert link.ended_on is not None and link.ended_reason == "Court order"
    assert link.history.filter(ended_on__isnull=False).count() == 1


def test_appointing_a_lead_five_times_at_once_appoints_them_once(personas, http_server):
    """Five forms (no shared token: two tabs, or two sends of an old page)."""
    lead = person(personas.other_school, Role.STAFF, name="Nadia Karim")
    data = {"email": lead.email, "trust": personas.school.trust_id}
    went = clicked_at_once(http_server, reverse("trust-leads"), personas.chair, data)
    assert went == {reverse("trust-leads")}
    assert TrustLead.objects.filter(user=lead).count() == 1
    assert TrustLead.history.filter(user=lead).count() == 1


def test_ending_an_appointment_five_times_at_once_ends_it_once(personas, http_server):
    appointment = TrustLead.objects.create(
        user=person(personas.school, Role.STAFF), trust=personas.school.trust
    )
    path = reverse("trust-lead-end", args=[appointment.pk])
    went = clicked_at_once(http_server, path, personas.chair, {"reason": "Left the trust"})
    assert went == {reverse("trust-leads")}
    appointment.refresh_from_db()
    assert appointment.ended_on is not None
    assert appointment.history.filter(ended_on__isnull=False).count() == 1
