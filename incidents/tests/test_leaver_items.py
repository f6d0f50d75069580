"""A leaver's open incident actions on their checklist: named by the incident's reference
only (IT support reads it), handed over once to someone named, who then sees the action."""

import datetime

import pytest
from django.urls import reverse

from esafety.leaver_checklist import HAND_OVER, items_for
from esafety.models import Notification
from esafety.once import was_already_done
from esafety.testing import sign_in
from incidents import services
from incidents.leaver_items import hand_over_action, open_actions
from incidents.models import ActionKind
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db

SECRET = "A pupil was sent unkind messages by a named classmate."


@pytest.fixture
def action(personas):
    incident = report(personas.school, personas.headteacher, description=SECRET)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    return services.add_timeline_entry(
        incident=incident,
        by=personas.esafety_officer,
        text="Check the class laptops' history",
        owner=personas.teacher,
        due_on=datetime.date(2026, 12, 4),
    )


def test_the_leavers_open_actions_are_listed_without_what_they_say(personas, action):
    items = open_actions(personas.teacher, personas.school)
    assert [(i.kind, i.pk) for i in items] == [(HAND_OVER, action.pk)]
    assert items[0].what == f"Action on incident {action.incident.reference}, due 4 December 2026"
    assert "laptops" not in items[0].what and SECRET not in items[0].what
    names = [source.name for source, _ in items_for(personas.teacher, personas.school)]
    assert "incidents.actions" in names
    assert open_actions(personas.teacher, personas.other_school) == []


def test_an_action_handed_over_once_is_seen_by_its_new_owner(personas, action, client):
    kwargs = {"person": personas.teacher, "school": personas.school, "by": personas.technician}
    hand_over_action(entry_pk=action.pk, to=personas.esafety_officer, **kwargs)
    with pytest.raises(Exception) as second:
        hand_over_action(entry_pk=action.pk, to=personas.headteacher, **kwargs)
    assert was_already_done(second.value)
    action.refresh_from_db()
    assert action.owner == personas.esafety_officer
    assert action.history.first().history_user == personas.technician
    note = action.incident.timeline.filter(kind=ActionKind.NOTE).last()
    assert "handed over to Eddie Officer" in note.text
    assert Notification.objects.filter(
        recipient=personas.esafety_officer, link=reverse("action-detail", args=[action.pk])
    ).exists()
    assert open_actions(personas.teacher, personas.school) == []
    sign_in(client, personas.esafety_officer)
    assert client.get(reverse("action-detail", args=[action.pk])).status_code == 200


def test_an_action_on_a_concern_about_the_head_is_named_to_nobody_and_never_theirs(personas):
    """The head may work the checklist: the item says only that it is confidential; the
    head can neither hand it over nor be given it; the officer hands it to someone else."""
    import datetime as dt

    from django.core.exceptions import ValidationError

    from incidents.models import Part, PersonKind, Subject, TimelineEntry

    p = personas
    entry = {"person": p.headteacher, "name": "", "kind": PersonKind.STAFF, "part": Part.ALLEGED}
    concern = report(p.school, p.esafety_officer, subject=Subject.HEADTEACHER, people=[entry])
    action = TimelineEntry.objects.create(
        incident=concern,
        kind=ActionKind.ACTION,
        text="Gather the messages",
        owner=p.teacher,
        created_by=p.esafety_officer,
        due_on=dt.date.today() + dt.timedelta(days=5),
    )
    (item,) = [i for i in open_actions(p.teacher, p.school) if i.pk == action.pk]
    assert concern.reference not in item.what and "confidential" in item.what
    kwargs = {"entry_pk": action.pk, "person": p.teacher, "school": p.school}
    with pytest.raises(ValidationError, match="e-safety officer hands"):
        hand_over_action(**kwargs, to=p.technician, by=p.headteacher)
    with pytest.raises(ValidationError, match="someone other than the headteacher"):
        hand_over_action(**kwargs, to=p.headteacher, by=p.esafety_officer)
    hand_over_action(**kwargs, to=p.technician, by=p.esafety_officer)
    action.refresh_from_db()
    assert action.owner == p.technician
