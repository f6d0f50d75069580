"""A leaver's risks and risk actions on their checklist: handed over once to someone
named, who then owns them and sees them."""

import pytest
from django.urls import reverse

from esafety.once import was_already_done
from esafety.testing import sign_in
from risks.leaver_items import hand_over_action, hand_over_risk, open_actions, owned_risks
from risks.tests.factories import make_action, make_risk

pytestmark = pytest.mark.django_db


def test_a_risk_handed_over_is_owned_and_seen_by_the_new_owner(personas, client):
    risk = make_risk(personas.school, personas.esafety_officer, owners=[personas.technician])
    items = owned_risks(personas.technician, personas.school)
    assert [(i.pk, i.what) for i in items] == [(risk.pk, f"Risk {risk.reference}: {risk.title}")]
    kwargs = {"person": personas.technician, "school": personas.school, "by": personas.headteacher}
    hand_over_risk(risk_pk=risk.pk, to=personas.teacher, **kwargs)
    with pytest.raises(Exception) as second:
        hand_over_risk(risk_pk=risk.pk, to=personas.headteacher, **kwargs)
    assert was_already_done(second.value)
    assert list(risk.owners.all()) == [personas.teacher]
    assert owned_risks(personas.technician, personas.school) == []
    assert risk.history.first().history_user == personas.headteacher
    sign_in(client, personas.teacher)
    assert client.get(reverse("risk-detail", args=[risk.pk])).status_code == 200


def test_a_risk_action_handed_over_once(personas):
    risk = make_risk(personas.school, personas.esafety_officer)
    action = make_action(risk, personas.esafety_officer, personas.technician)
    assert [i.pk for i in open_actions(personas.technician, personas.school)] == [action.pk]
    kwargs = {"person": personas.technician, "school": personas.school, "by": personas.headteacher}
    hand_over_action(action_pk=action.pk, to=personas.teacher, **kwargs)
    with pytest.raises(Exception) as second:
        hand_over_action(action_pk=action.pk, to=personas.headteacher, **kwargs)
    assert was_already_done(second.value)
    action.refresh_from_db()
    assert action.owner == personas.teacher
    assert open_actions(personas.technician, personas.school) == []
