"""Vulnerability flags on pupils: set by the school's leads, kept in history, shown on
the officer's queue and the pupil's chronology, never to a teacher."""

import pytest
from django.urls import reverse

from esafety.flags import flags_of, set_flags
from esafety.models import TrustLead
from esafety.models_flags import PupilFlag, Vulnerability
from esafety.testing import sign_in
from incidents.models import Part, PersonKind
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def _flag(p, *flags):
    return set_flags(school=p.school, pupil=p.pupil, flags=flags, by=p.esafety_officer)


def test_setting_flags_adds_and_ends_them_in_history(personas):
    _flag(personas, Vulnerability.SEND, Vulnerability.YOUNG_CARER)
    added, ended = _flag(personas, Vulnerability.SEND)
    assert (added, ended) == (set(), {Vulnerability.YOUNG_CARER})
    assert [f.flag for f in PupilFlag.objects.active()] == [Vulnerability.SEND]
    carer = PupilFlag.objects.get(flag=Vulnerability.YOUNG_CARER)
    assert carer.ended_on is not None
    assert carer.history.first().history_user == personas.esafety_officer


def test_only_the_leads_see_a_pupils_flags(personas):
    _flag(personas, Vulnerability.LOOKED_AFTER)
    pair = {(personas.school.pk, personas.pupil.pk)}
    for name in ("headteacher", "esafety_officer"):
        assert flags_of(getattr(personas, name), pair) == {
            (personas.school.pk, personas.pupil.pk): ["Looked after"]
        }
    for name in ("teacher", "technician", "pupil", "parent", "trustee", "chair"):
        assert flags_of(getattr(personas, name), pair) == {}, name
    lead = personas.other_school_teacher
    TrustLead.objects.create(trust=personas.school.trust, user=lead)
    lead = type(lead).objects.get(pk=lead.pk)
    assert flags_of(lead, pair) != {}


def test_the_queue_and_chronology_show_flags_to_the_officer_not_the_teacher(personas, client):
    _flag(personas, Vulnerability.SEND)
    incident = report(
        personas.school,
        personas.teacher,
        people=[{"person": personas.pupil, "kind": PersonKind.PUPIL, "part": Part.TARGET}],
    )
    sign_in(client, personas.esafety_officer)
    queue = client.get(reverse("incident-queue")).content.decode()
    assert incident.reference in queue and ">SEND</span>" in queue
    chronology = reverse("pupil-chronology", args=[personas.school.slug, personas.pupil.pk])
    assert ">SEND</span>" in client.get(chronology).content.decode()
    sign_in(client, personas.teacher)
    for page in (reverse("my-incidents"), incident.get_absolute_url(), reverse("home")):
        assert ">SEND</span>" not in client.get(page).content.decode(), page


def test_the_page_saves_flags_and_refuses_nonsense(personas, client):
    sign_in(client, personas.headteacher)
    path = reverse("pupil-flags", args=[personas.school.slug, personas.pupil.pk])
    assert client.post(path, {"flags": ["send", "cp_plan"]}).status_code == 302
    assert set(PupilFlag.objects.active().values_list("flag", flat=True)) == {"send", "cp_plan"}
    page = client.post(path, {"flags": ["nonsense"]})
    assert page.status_code == 400 and "Select a valid choice" in page.content.decode()
    assert PupilFlag.objects.active().count() == 2
    # Only a pupil of the school has flags.
    other = reverse("pupil-flags", args=[personas.school.slug, personas.teacher.pk])
    assert client.get(other).status_code == 404
