"""The "What to do if..." guides: every standard guide can be walked to an end, the ends
open the incident form correctly filled in (read back from the page a browser gets),
made-up values are left out, a walk is recorded once a day and meets a training
requirement, and a school's own copy replaces the standard guide, edited by its leads."""

import datetime
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.models_contacts import ContactKind, LocalContact
from esafety.testing import sign_in
from incidents import guides
from incidents.guides_standard import STANDARD_GUIDES
from incidents.models_guides import Guide, GuideCompletion, GuideStep
from training.models import Evidence, Requirement, TrainingRecord

pytestmark = pytest.mark.django_db

# Illegal use: child abuse images -> (advice) -> an adult who works here -> (advice) -> end.
ILLEGAL_BY_AN_ADULT = "1-1-1-1"


class FormValues(HTMLParser):
    """What a browser would show as filled in: checked boxes and radios, chosen options,
    text areas' contents."""

    def __init__(self, html):
        super().__init__()
        self.checked, self.selected, self.text = {}, {}, {}
        self._select = self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "checked" in attrs:
            self.checked.setdefault(attrs.get("name"), []).append(attrs.get("value"))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and "selected" in attrs and self._select:
            self.selected[self._select] = attrs.get("value")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.text[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.text[self._textarea] += data


def standard(slug, school):
    return guides.guide_for(school, slug)


def finish(client, school, slug, path):
    url = reverse("guide-finish", args=[school.slug, slug])
    return client.post(url, {"path": path})


def all_walks(guide):
    """Every path of answers from the first step, as position lists, to its end."""
    steps = {s.pk: s for s in guide.steps.prefetch_related("answers")}
    first = next(iter(steps.values()))
    done, todo = [], [(first, [])]
    while todo:
        step, path = todo.pop()
        assert len(path) <= len(steps), f"{guide.slug}: a walk longer than the guide"
        answers = list(step.answers.all())
        if step.is_end:
            done.append(path)
        for position, answer in enumerate(answers, start=1):
            todo.append((steps[answer.next_step_id], [*path, position]))
    return done


@pytest.mark.parametrize("data", STANDARD_GUIDES, ids=lambda d: d["slug"])
def test_every_walk_of_each_standard_guide_reaches_an_end(data, personas):
    guide = standard(data["slug"], personas.school)
    assert guides.problems(guide) == []
    walks = all_walks(guide)
    assert len(walks) >= 3
    for path in walks:
        walked = guides.walk(guide, "-".join(map(str, path)))
        assert walked.step.is_end, path
        assert walked.step.end_action in {"incident", "concern"}
        assert walked.step.text


def test_a_broken_guide_is_found_out(personas):
    guide = standard("inappropriate-use", personas.school)
    copy = guides.make_school_copy(school=personas.school, guide=guide, by=personas.headteacher)
    stuck = copy.steps.get(key="pupil-rules")
    stuck.answers.all().delete()
    loop = copy.steps.get(key="who").answers.get(label="The headteacher")
    loop.next_step = copy.steps.get(key="start")
    loop.save()
    assert set(guides.problems(copy)) == {
        "'who' leads back to 'start'",
        "'pupil-rules' has no answers and is not an end",
    }


def test_the_illegal_use_guide_ends_in_a_correctly_filled_in_incident_form(personas, client):
    p = personas
    sign_in(client, p.teacher)
    response = finish(client, p.school, "illegal-use", ILLEGAL_BY_AN_ADULT)
    completion = GuideCompletion.objects.get(user=p.teacher)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('incident-create')}?school={p.school.slug}&guide={completion.pk}"
    )

    page = client.get(response["Location"])
    assert page.status_code == 200
    shown = FormValues(page.content.decode())
    assert shown.checked["subject"] == ["staff"]
    assert "suspected_illegal_material" in shown.checked  # a tick box has no value
    assert shown.checked["image_of_child"] == ["yes"]
    assert "child_at_risk_now" not in shown.checked  # the guide did not ask: the teacher says
    assert shown.selected["risk_area"] == "content"
    description = shown.text["description"].lstrip("\n")  # browsers drop the first newline
    assert description.startswith("Found with the guide 'Illegal use':")
    assert "Suspected child sexual abuse images or videos." in description
    assert "An adult who works or volunteers here." in description


def test_a_pupil_path_fills_in_the_pupil_and_the_risk(personas, client):
    p = personas
    sign_in(client, p.teacher)
    # What do we do if: a nude image -> (advice) -> an adult involved: yes or not sure.
    response = client.get(finish(client, p.school, "what-do-we-do-if", "1-1-1")["Location"])
    shown = FormValues(response.content.decode())
    assert shown.checked["subject"] == ["pupil"]
    assert shown.checked["image_of_child"] == ["yes"]
    assert shown.checked["child_at_risk_now"] == ["not_sure"]
    assert shown.checked["contact_from_older"] == ["not_sure"]
    assert shown.selected["risk_area"] == "conduct"
    assert "suspected_illegal_material" not in shown.checked


def test_a_made_up_value_in_a_guide_is_left_out_of_the_form(personas, client):
    p = personas
    guide = guides.make_school_copy(
        school=p.school, guide=standard("illegal-use", p.school), by=p.headteacher
    )
    GuideStep.objects.filter(guide=guide, key="illegal-end").update(
        prefill={
            "subject": "martian",
            "suspected_illegal_material": "yes please",
            "risk_area": "conduct",
            "platform": "<script>",
            "reported_by": 1,
        }
    )
    sign_in(client, p.teacher)
    response = client.get(finish(client, p.school, "illegal-use", ILLEGAL_BY_AN_ADULT)["Location"])
    assert response.status_code == 200
    shown = FormValues(response.content.decode())
    assert shown.checked["subject"] == ["staff"]  # the answer's, not the made-up one
    assert shown.selected["risk_area"] == "conduct"
    assert "<script>" not in response.content.decode()


def test_clean_prefill_keeps_only_the_forms_fields_and_values():
    assert guides.clean_prefill(
        {"subject": "martian", "risk_area": "content", "platform": "x", "image_of_child": True}
    ) == {"risk_area": "content"}
    assert guides.clean_prefill(["subject", "pupil"]) == {}
    assert guides.clean_prefill({"suspected_illegal_material": True}) == {
        "suspected_illegal_material": True
    }


@pytest.mark.parametrize("value", ["abc", "99999999", "1" * 40, "-1", ""])
def test_a_bad_guide_in_the_address_opens_an_empty_form(value, personas, client):
    sign_in(client, personas.teacher)
    response = client.get(reverse("incident-create"), {"guide": value})
    assert response.status_code == 200
    assert "subject" not in FormValues(response.content.decode()).checked


def test_someone_elses_walk_fills_in_nothing(personas, client):
    p = personas
    sign_in(client, p.esafety_officer)
    finish(client, p.school, "illegal-use", ILLEGAL_BY_AN_ADULT)
    theirs = GuideCompletion.objects.get(user=p.esafety_officer)
    sign_in(client, p.teacher)
    response = client.get(reverse("incident-create"), {"guide": theirs.pk})
    assert "subject" not in FormValues(response.content.decode()).checked


def test_the_low_level_concern_end_opens_the_concern_form(personas, client):
    p = personas
    sign_in(client, p.teacher)
    # What do we do if: a member of staff's online conduct -> not harm, the code of conduct.
    response = finish(client, p.school, "what-do-we-do-if", "6-3")
    assert response["Location"] == reverse("concern-create", args=[p.school.slug])


def test_finishing_before_the_end_records_nothing(personas, client):
    p = personas
    sign_in(client, p.teacher)
    response = finish(client, p.school, "illegal-use", "1")
    assert response["Location"] == reverse("guide-step", args=[p.school.slug, "illegal-use"])
    assert not GuideCompletion.objects.exists()


def test_a_walk_is_recorded_once_a_day_and_meets_a_training_requirement(personas, client):
    p = personas
    requirement = Requirement.objects.create(
        school=p.school,
        title="Walk through the illegal use guide",
        audience_roles=["staff"],
        evidence=Evidence.GUIDE,
        guide_slug="illegal-use",
    )
    sign_in(client, p.teacher)
    finish(client, p.school, "illegal-use", ILLEGAL_BY_AN_ADULT)
    finish(client, p.school, "illegal-use", "2-1")  # again, another way: still once
    completion = GuideCompletion.objects.get(user=p.teacher)
    assert completion.path == [2, 1]
    record = TrainingRecord.objects.get(person=p.teacher)
    assert record.requirement == requirement
    assert record.completed_on == completion.completed_on


def test_each_step_shows_what_to_do_and_the_schools_own_numbers(personas, client):
    p = personas
    LocalContact.objects.create(
        school=p.school, kind=ContactKind.LADO, name="Oakshire LADO", phone="01632 960123"
    )
    sign_in(client, p.teacher)
    url = reverse("guide-step", args=[p.school.slug, "illegal-use"])
    question = client.get(url)
    assert b"What have you found, or been told about?" in question.content
    assert f'href="{url}?path=1"'.encode() in question.content
    advice = client.get(url, {"path": "1-1-1"}).content.decode()
    assert "Do not" in advice and "Do now" in advice and "Tell" in advice
    assert "Oakshire LADO" in advice and 'href="tel:01632960123"' in advice
    assert 'href="tel:999"' in advice
    made_up = client.get(url, {"path": "7-x-1"})
    assert b"What have you found, or been told about?" in made_up.content


def test_a_schools_copy_replaces_the_standard_guide_and_only_its_leads_edit(personas, client):
    p = personas
    sign_in(client, p.teacher)
    edit = reverse("guide-edit", args=[p.school.slug, "illegal-use"])
    copy_url = reverse("guide-copy", args=[p.school.slug, "illegal-use"])
    assert client.get(edit).status_code == 403
    assert client.post(copy_url).status_code == 403

    sign_in(client, p.headteacher)
    assert client.post(copy_url).status_code == 302
    assert client.post(copy_url).status_code == 302  # twice: one copy
    copy = Guide.objects.get(school=p.school, slug="illegal-use")
    first = copy.steps.get(key="start")
    answer = first.answers.first()
    response = client.post(
        reverse("guide-step-edit", args=[p.school.slug, "illegal-use", first.pk]),
        {
            "text": "What did you find?",
            "do_now": "",
            "do_not": "",
            "tell": "",
            **{f"answer_{a.pk}": a.label for a in first.answers.all()},
            f"answer_{answer.pk}": "Indecent images of a child",
        },
    )
    assert response.status_code == 302
    assert copy.history.exists() and first.history.count() >= 2

    sign_in(client, p.teacher)
    page = client.get(reverse("guide-step", args=[p.school.slug, "illegal-use"]))
    assert b"What did you find?" in page.content and b"Indecent images of a child" in page.content
    sign_in(client, p.other_school_teacher)
    other = client.get(reverse("guide-step", args=[p.other_school.slug, "illegal-use"]))
    assert b"What have you found, or been told about?" in other.content


def test_a_standard_guides_steps_cannot_be_edited(personas, client):
    p = personas
    step = standard("illegal-use", p.school).steps.first()
    sign_in(client, p.headteacher)
    url = reverse("guide-step-edit", args=[p.school.slug, "illegal-use", step.pk])
    assert client.get(url).status_code == 404


QUERIES = []


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    QUERIES[:] = [q["sql"][:150] for q in context.captured_queries]
    return len(context.captured_queries)


def add_other_schools_guides_and_walks(p, count):
    """Another school's guides, and walks of this school's, that the pages must not read."""
    guide = standard("illegal-use", p.school)
    start = Guide.objects.count()
    for n in range(start, start + count):
        Guide.objects.create(school=p.other_school, slug=f"extra-{n}", title="Extra")
        GuideCompletion.objects.create(
            user=p.esafety_officer,
            guide=guide,
            school=p.school,
            completed_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
            completed_at=timezone.now(),
            path=[1],
        )


@pytest.mark.parametrize(
    "name,kwargs,params",
    [
        ("guide-list", {}, {}),
        ("guide-step", {"guide": "illegal-use"}, "?path=1-1"),
    ],
)
def test_guide_pages_cost_the_same_queries_at_two_sizes(name, kwargs, params, personas, client):
    p = personas
    url = reverse(name, kwargs={"slug": p.school.slug, **kwargs}) + (params or "")
    sign_in(client, p.teacher)
    client.get(url)  # the first visit loads the standard set
    add_other_schools_guides_and_walks(p, 2)
    small = queries(client, url)
    add_other_schools_guides_and_walks(p, 20)
    assert queries(client, url) == small
    assert small <= 15, "\n".join(QUERIES)  # of which 3 for the guide, its steps, answers
