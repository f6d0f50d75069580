"""Urgency does not hang on an optional, folded field: the log form asks up front whether a
child is at risk now, whether an adult or older child made contact, whether an image of a
child is involved, and who the concern is about; the answers make a report urgent (one
rule, routing.URGENCY), the reasons show on the incident page and in the queue, and the
queue puts those incidents first."""

import datetime
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents import services
from incidents.models import ALLEGATION_SUBJECTS, Answer, Incident, Subject
from incidents.routing import URGENCY, decide_routing, urgency_reasons
from incidents.selectors import with_who_and_what
from incidents.tests.factories import report
from incidents.tests.test_pages import log_form_data

pytestmark = pytest.mark.django_db

QUESTIONS = ("child_at_risk_now", "contact_from_older", "image_of_child")
PHOTO_REQUEST = (
    "An older boy on a game's chat asked a 9-year-old to move to a private app and send a photo."
)


def the_teachers_report(personas, client, **answers):
    """The report from the issue: no category, no risk area, no kind chosen."""
    sign_in(client, personas.teacher)
    data = log_form_data(
        personas,
        description=PHOTO_REQUEST,
        category="",
        risk_area="",
        tags=[],
        **{"contact_from_older": "yes", "image_of_child": "yes", **answers},
    )
    response = client.post(reverse("incident-create"), data)
    assert response.status_code == 302
    return Incident.objects.get(description=PHOTO_REQUEST)


def test_the_form_asks_the_questions_up_front_not_folded_away(personas, client):
    sign_in(client, personas.teacher)
    page = client.get(reverse("incident-create")).content.decode()
    first_fold = page.index("<details")
    for question in (
        "Is a child at risk of harm now?",
        "Has an adult or an older child contacted a child?",
        "Is an image or video of a child involved?",
        "Who is the concern about?",
    ):
        assert page.index(question) < first_fold, question
    assert page.index("Is a child at risk of harm now?") < page.index("What happened")


def test_each_question_must_be_answered(personas, client):
    sign_in(client, personas.teacher)
    data = log_form_data(personas)
    for name in QUESTIONS:
        del data[name]
    response = client.post(reverse("incident-create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Incident.objects.exists()
    assert "There is a problem" in page
    for name in QUESTIONS:
        assert f'href="#id_{name}_0"' in page  # the summary links to each unanswered question
    assert page.count("Answer yes, no or not sure.") == 2 * len(QUESTIONS)


def test_the_photo_request_arrives_urgent_with_its_reasons(personas, client):
    incident = the_teachers_report(personas, client)
    assert incident.category == "" and incident.contact_from_older == Answer.YES
    assert incident.history.first().image_of_child == Answer.YES  # kept in the history
    calm = report(personas.school, personas.teacher, category="pupil_a")
    client.logout()
    sign_in(client, personas.esafety_officer)
    queue = client.get(reverse("incident-queue")).content.decode()
    table = queue.split('<div class="d-md-none">')[0]
    assert table.index(incident.reference + "<") < table.index(calm.reference + "<")
    reasons = "contact from an adult or an older child; an image of a child is involved"
    assert reasons in table
    assert reasons in queue.split('<div class="d-md-none">')[1]  # the same on a phone
    page = client.get(incident.get_absolute_url()).content.decode()
    assert f"<strong>Urgent:</strong> {reasons}." in page
    assert 'Contact from an adult or older child</dt><dd class="col-sm-8">Yes' in page


@pytest.mark.parametrize(("question", "answer"), list(itertools.product(QUESTIONS, Answer)))
def test_yes_or_not_sure_to_any_question_alone_makes_it_urgent(personas, question, answer):
    answers = dict.fromkeys(QUESTIONS, Answer.NO) | {question: answer}
    incident = report(personas.school, personas.teacher, category="pupil_a", **answers)
    listed = with_who_and_what(Incident.objects.filter(pk=incident.pk)).get()
    expected = answer != Answer.NO
    assert (listed.urgent == 0) is expected
    assert bool(urgency_reasons(listed, timezone.now())) is expected


def test_the_queue_and_the_page_read_the_same_rule(personas):
    """Every combination of what URGENCY reads: the SQL (the queue's order) and the words
    (the page and the queue's reasons) agree on every incident."""
    now = timezone.now()
    for subject, category, illegal, answer in itertools.product(
        Subject, ("", "pupil_a", "pupil_d", "staff_b"), (False, True), Answer
    ):
        report(
            personas.school,
            personas.teacher,
            subject=subject,
            category=category,
            suspected_illegal_material=illegal,
            child_at_risk_now=answer,
        )
    late = report(personas.school, personas.teacher)
    Incident.objects.filter(pk=late.pk).update(acknowledge_by=now - datetime.timedelta(hours=1))
    listed = list(with_who_and_what(Incident.objects.all(), now))
    assert any(i.urgent == 0 for i in listed) and any(i.urgent == 1 for i in listed)
    for incident in listed:
        assert (incident.urgent == 0) is bool(urgency_reasons(incident, now)), incident.pk
    assert len(URGENCY) == 8


def test_a_concern_about_an_adult_is_urgent_and_routed_as_before(personas):
    """The fourth question is "who is the concern about": the subjects that make a report
    urgent as a concern about an adult are the ones routed past the e-safety officer."""
    now = timezone.now()
    for subject in Subject:
        incident = report(personas.school, personas.teacher, subject=subject)
        about_an_adult = any("concern about" in r for r in urgency_reasons(incident, now))
        assert about_an_adult is (subject in ALLEGATION_SUBJECTS)
        routed_past_the_officer = decide_routing(incident).recipient != personas.esafety_officer
        assert routed_past_the_officer is about_an_adult


def test_a_closed_incident_is_never_urgent(personas):
    incident = report(personas.school, personas.teacher, child_at_risk_now=Answer.YES)
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    listed = with_who_and_what(Incident.objects.filter(pk=incident.pk)).get()
    assert listed.urgent == 1 and urgency_reasons(listed, timezone.now()) == []


def test_the_officer_corrects_an_answer_with_a_reason_kept(personas, client):
    incident = report(personas.school, personas.teacher, child_at_risk_now=Answer.NOT_SURE)
    sign_in(client, personas.esafety_officer)
    url = reverse("incident-action", args=[incident.pk, "amend"])
    fields = {
        "location": incident.location,
        "description": incident.description,
        "child_at_risk_now": "no",
        "reason": "Spoke to the pupil: safe at home",
    }
    assert client.post(url, fields).status_code == 302
    incident.refresh_from_db()
    assert incident.child_at_risk_now == Answer.NO
    latest = incident.history.first()
    assert latest.history_user == personas.esafety_officer
    assert latest.history_change_reason == "Spoke to the pupil: safe at home"
    assert incident.history.last().child_at_risk_now == Answer.NOT_SURE


def test_the_demo_has_reports_urgent_on_their_answers_alone(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("seed_demo", stdout=StringIO())
    now = timezone.now()
    listed = with_who_and_what(Incident.objects.submitted(), now)
    photo = listed.get(description__contains="send him a photo")
    assert photo.category == "" and photo.urgent == 0
    assert urgency_reasons(photo, now)[:3] == [
        "a child may be at risk of harm now",
        "contact from an adult or an older child",
        "an image of a child is involved",
    ]
    at_the_gate = listed.get(description__contains="by the gate")
    assert at_the_gate.child_at_risk_now == Answer.YES and at_the_gate.urgent == 0


def test_submit_keeps_the_answers_of_a_draft(personas):
    draft = report(personas.school, personas.teacher, submit=False, contact_from_older=Answer.YES)
    sent = services.submit_incident(incident=draft, by=personas.teacher)
    assert sent.contact_from_older == Answer.YES and sent.number
