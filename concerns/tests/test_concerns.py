"""Low-level concerns about adults: who they reach, who never sees them, patterns over
time, the headteacher's response, and referring one as an allegation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from concerns import services
from concerns.holdings import held_about
from concerns.models import LowLevelConcern, Response, Status
from concerns.tests.factories import concern
from esafety.models import Membership, Notification, Role, TrustLead
from esafety.testing import SchoolFactory, person, sign_in
from incidents.models import Incident, Part, Subject

pytestmark = pytest.mark.django_db


def test_a_concern_about_a_teacher_goes_to_the_headteacher_in_confidence(personas):
    made = concern(personas.school, personas.esafety_officer, personas.teacher)
    assert made.routed_to == personas.headteacher
    assert made.subject == Subject.STAFF
    assert made.number == f"LLC-{timezone.localdate().year}-0001"
    told = Notification.objects.get(recipient=personas.headteacher)
    # A notification may be emailed: it carries the number, never the person's name.
    assert made.number in told.title and "Terry" not in told.title
    assert not Notification.objects.filter(recipient=personas.teacher).exists()


def test_a_concern_about_the_headteacher_goes_to_the_chair(personas):
    made = concern(personas.school, personas.teacher, personas.headteacher)
    assert made.subject == Subject.HEADTEACHER
    assert made.routed_to == personas.chair
    assert not Notification.objects.filter(recipient=personas.headteacher).exists()


def test_numbers_run_on_per_school(personas):
    first = concern(personas.school, personas.teacher, personas.technician)
    second = concern(personas.school, personas.technician, personas.teacher)
    assert [first.number[-4:], second.number[-4:]] == ["0001", "0002"]


def test_a_concern_about_the_head_is_invisible_to_the_head_everywhere(personas, client):
    about_head = concern(personas.school, personas.teacher, personas.headteacher, text="Head X")
    about_teacher = concern(personas.school, personas.technician, personas.teacher, text="T Y")
    head = personas.headteacher
    assert list(LowLevelConcern.objects.visible_to(head)) == [about_teacher]
    sign_in(client, head)
    slug = personas.school.slug
    listed = client.get(reverse("concern-list", args=[slug])).content.decode()
    assert about_teacher.number in listed and about_head.number not in listed
    assert client.get(about_head.get_absolute_url()).status_code == 404
    patterns = client.get(reverse("concern-patterns", args=[slug])).content.decode()
    assert "Hana Head" not in patterns
    person_page = reverse("concern-person", args=[slug, head.pk])
    assert client.get(person_page).status_code == 404
    # Counts: the home panel counts one concern, not two.
    home = client.get(reverse("home")).content.decode()
    assert about_teacher.number in home and about_head.number not in home
    # Search: a subject access search by the head finds nothing about themselves here.
    assert held_about(head, searcher=head, school=personas.school) == []
    # Never told, never able to act.
    told = Notification.objects.filter(recipient=head).values_list("title", flat=True)
    assert [t for t in told if about_head.number in t] == []
    respond = reverse("concern-respond", args=[about_head.pk])
    assert client.post(respond, {"response": "no_action", "notes": "x"}).status_code == 404
    # The chair sees it, and may decide.
    assert about_head in LowLevelConcern.objects.visible_to(personas.chair)
    assert about_teacher not in LowLevelConcern.objects.visible_to(personas.chair)


def test_the_person_concerned_never_sees_it_whatever_else_they_hold(personas):
    # A trust lead who also teaches at the school, in a trust that lets its lead see
    # concerns about staff: they see concerns about others, never one about themselves.
    trust = personas.school.trust
    trust.lead_sees_staff_concerns = True
    trust.save()
    lead = personas.teacher
    TrustLead.objects.create(trust=trust, user=lead)
    about_lead = concern(personas.school, personas.technician, lead)
    about_officer = concern(personas.school, personas.technician, personas.esafety_officer)
    lead.refresh_from_db()
    assert list(LowLevelConcern.objects.visible_to(lead)) == [about_officer]
    assert about_lead not in LowLevelConcern.objects.visible_to(personas.esafety_officer)


def test_staff_officer_trustees_pupils_and_parents_see_none(personas):
    concern(personas.school, personas.teacher, personas.technician)
    for name in ("esafety_officer", "teacher", "technician", "trustee", "pupil", "parent"):
        assert not LowLevelConcern.objects.visible_to(getattr(personas, name)).exists(), name


def test_concerns_are_never_in_the_incident_log_or_its_figures(personas):
    concern(personas.school, personas.teacher, personas.technician)
    concern(personas.school, personas.teacher, personas.headteacher)
    assert Incident.objects.count() == 0


def test_three_concerns_about_one_person_show_as_a_pattern(personas, client):
    day = timezone.now()
    reporters = (personas.esafety_officer, personas.technician, personas.headteacher)
    for days_ago, reporter in zip((200, 90, 5), reporters, strict=True):
        made = concern(personas.school, reporter, personas.teacher)
        LowLevelConcern.objects.filter(pk=made.pk).update(
            reported_at=day - datetime.timedelta(days=days_ago)
        )
    concern(personas.school, personas.teacher, personas.technician)
    rows = services.patterns(LowLevelConcern.objects.visible_to(personas.headteacher))
    assert [(r["person"], r["count"], r["pattern"]) for r in rows] == [
        (personas.teacher, 3, True),
        (personas.technician, 1, False),
    ]
    assert rows[0]["first"].date() == (day - datetime.timedelta(days=200)).date()
    sign_in(client, personas.headteacher)
    page = client.get(reverse("concern-patterns", args=[personas.school.slug])).content.decode()
    assert page.count("pattern to consider") == 1
    person_page = reverse("concern-person", args=[personas.school.slug, personas.teacher.pk])
    assert client.get(person_page).content.decode().count("LLC-") >= 3


def test_the_trust_lead_sees_one_person_across_the_trusts_schools(personas, client):
    trust = personas.school.trust
    trust.lead_sees_staff_concerns = True
    trust.save()
    lead = person(SchoolFactory(trust=trust), Role.STAFF, name="Lena Lead")
    TrustLead.objects.create(trust=trust, user=lead)
    Membership.objects.create(user=personas.teacher, school=personas.other_school, role=Role.STAFF)
    concern(personas.school, personas.technician, personas.teacher)
    concern(personas.other_school, personas.other_school_headteacher, personas.teacher)
    rows = services.patterns(LowLevelConcern.objects.visible_to(lead), by_school=True)
    assert len(rows) == 1 and rows[0]["count"] == 2 and rows[0]["schools"] == 2
    assert {at["school__slug"] for at in rows[0]["at_schools"]} == {"oakwood", "elmridge"}
    sign_in(client, lead)
    page = client.get(reverse("concern-trust-patterns"))
    assert page.status_code == 200 and "pattern to consider" in page.content.decode()
    # A trust that keeps staff concerns from its lead: the lead sees none.
    trust.lead_sees_staff_concerns = False
    trust.save()
    lead = type(lead).objects.get(pk=lead.pk)
    assert not LowLevelConcern.objects.visible_to(lead).exists()


def test_the_headteacher_records_a_response_once(personas, client):
    made = concern(personas.school, personas.esafety_officer, personas.teacher)
    sign_in(client, personas.headteacher)
    path = reverse("concern-respond", args=[made.pk])
    sent = {"response": Response.SPOKEN_TO, "notes": "Talked it through."}
    assert client.post(path, sent).status_code == 302
    again = client.post(path, {"response": Response.NO_FURTHER_ACTION, "notes": "x"})
    assert again.status_code == 302 and again.url == made.get_absolute_url()
    made.refresh_from_db()
    assert (made.status, made.response) == (Status.REVIEWED, Response.SPOKEN_TO)
    assert made.decided_by == personas.headteacher
    assert made.history.first().history_user == personas.headteacher


def test_a_response_needs_its_reasons(personas, client):
    made = concern(personas.school, personas.esafety_officer, personas.teacher)
    sign_in(client, personas.headteacher)
    page = client.post(reverse("concern-respond", args=[made.pk]), {"response": "spoken_to"})
    assert page.status_code == 400
    assert "This field is required" in page.content.decode()
    made.refresh_from_db()
    assert made.status == Status.TO_REVIEW


def test_referring_as_an_allegation_opens_a_staff_incident_with_the_history(personas, client):
    earlier = concern(personas.school, personas.technician, personas.teacher, text="First thing")
    services.record_response(
        concern=earlier, by=personas.headteacher, response=Response.SPOKEN_TO, notes="Talked."
    )
    latest = concern(personas.school, personas.esafety_officer, personas.teacher, text="Second")
    sign_in(client, personas.headteacher)
    path = reverse("concern-refer", args=[latest.pk])
    reply = client.post(path, {"notes": "A pupil says he messaged her at night."})
    assert reply.status_code == 302
    incident = Incident.objects.get()
    assert incident.subject == Subject.STAFF and incident.routed_to == personas.headteacher
    assert incident.lado_referral_due is not None
    alleged = incident.people.get()
    assert (alleged.person, alleged.part) == (personas.teacher, Part.ALLEGED)
    assert "First thing" in incident.description and "Second" in incident.description
    assert earlier.number in incident.description and latest.number in incident.description
    # The concerns stay in their log, each linked to the allegation.
    for each in (earlier, latest):
        each.refresh_from_db()
        assert each.referred_incident == incident
    assert (latest.status, latest.response) == (Status.REFERRED, Response.REFERRED)
    assert earlier.status == Status.REVIEWED  # its own outcome is kept
    assert latest.history.first().history_user == personas.headteacher
    # A second click: the same single incident, and a note rather than an error.
    again = client.post(path, {"notes": "again"}, follow=True)
    assert again.status_code == 200 and Incident.objects.count() == 1
    page = client.get(latest.get_absolute_url()).content.decode()
    assert incident.reference in page


def test_a_concern_about_the_head_is_referred_by_the_chair(personas, client):
    made = concern(personas.school, personas.teacher, personas.headteacher)
    sign_in(client, personas.chair)
    reply = client.post(reverse("concern-refer", args=[made.pk]), {"notes": "Threshold met."})
    assert reply.status_code == 302
    incident = Incident.objects.get()
    assert incident.subject == Subject.HEADTEACHER and incident.routed_to == personas.chair
    assert not Incident.objects.visible_to(personas.headteacher).exists()


def test_raising_a_concern_through_the_form_twice_records_it_once(personas, client):
    sign_in(client, personas.teacher)
    path = reverse("concern-create", args=[personas.school.slug])
    sent = {
        "about": personas.technician.pk,
        "what_happened": "Swore at a pupil in the corridor.",
        "happened_on": timezone.localdate().isoformat(),
        "once": "token-token-token-1",
    }
    first = client.post(path, sent)
    second = client.post(path, sent)
    assert first.status_code == second.status_code == 302
    assert first.url == reverse("concern-sent", args=[personas.school.slug])
    assert LowLevelConcern.objects.count() == 1
    assert LowLevelConcern.objects.get().reported_by == personas.teacher


def test_a_self_report(personas, client):
    sign_in(client, personas.teacher)
    path = reverse("concern-create", args=[personas.school.slug])
    sent = {"about": personas.teacher.pk, "what_happened": "I texted a parent from my phone."}
    assert client.post(path, sent).status_code == 302
    made = LowLevelConcern.objects.get()
    assert made.self_reported and made.routed_to == personas.headteacher
    assert not LowLevelConcern.objects.visible_to(personas.teacher).exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"about": ""}, "This field is required"),
        ({"what_happened": ""}, "This field is required"),
        ({"happened_on": "2099-01-01"}, "That date is in the future"),
        ({"happened_on": "31/02/2026"}, "Enter a valid date"),
    ],
)
def test_bad_input_gets_a_message_on_the_form(personas, client, change, message):
    sign_in(client, personas.teacher)
    sent = {"about": personas.technician.pk, "what_happened": "Something.", **change}
    page = client.post(reverse("concern-create", args=[personas.school.slug]), sent)
    assert page.status_code == 400 and message in page.content.decode()
    assert not LowLevelConcern.objects.exists()


def test_a_concern_can_only_be_about_someone_who_works_here(personas, client):
    sign_in(client, personas.teacher)
    for outsider in (personas.pupil, personas.other_school_teacher, personas.parent):
        sent = {"about": outsider.pk, "what_happened": "Something."}
        page = client.post(reverse("concern-create", args=[personas.school.slug]), sent)
        assert page.status_code == 400 and "Select a valid choice" in page.content.decode()
    assert not LowLevelConcern.objects.exists()
