"""Local contacts (issue 29): the merge rule (a school's own entry over its trust's, the
standard set for the rest), who may read and change them, bad input, the panel on the
log-incident page, history with who changed what, and the directory's query count."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esafety import contacts
from esafety.contacts import (
    add_contact,
    contacts_for,
    contacts_for_trust,
    start_from_standard_set,
    urgent_contacts,
)
from esafety.models import TrustLead
from esafety.models_contacts import ContactKind, LocalContact, phone_digits
from esafety.roles import allowed
from esafety.testing import SchoolFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db

NOT_FILLED_IN = "Not yet filled in — ask your DSL"


def by_kind(entries):
    return {e.kind: e for e in entries if e.kind != ContactKind.OTHER}


def lado(owner, phone="01632 960100", **fields):
    where = {"school": owner} if hasattr(owner, "slug") else {"trust": owner}
    return LocalContact.objects.create(
        kind=ContactKind.LADO, name=fields.pop("name", "LADO"), phone=phone, **where, **fields
    )


def page(client, user, name, *args):
    sign_in(client, user)
    return client.get(reverse(name, args=args))


# --- the merge rule -----------------------------------------------------------------------


def test_with_nothing_entered_the_standard_set_shows_national_numbers_and_local_blanks(
    personas,
):
    entries = by_kind(contacts_for(personas.school))
    assert entries[ContactKind.EMERGENCY].phone == "999"
    assert entries[ContactKind.NSPCC].phone == "0808 800 5000"
    assert entries[ContactKind.CHILDLINE].phone == "0800 1111"
    assert entries[ContactKind.WHISTLEBLOWING].phone == "0800 028 0285"
    assert entries[ContactKind.POLICE].phone == "101"
    assert entries[ContactKind.CEOP].website == "https://www.ceop.police.uk/Safety-Centre/"
    assert entries[ContactKind.IWF].website == "https://report.iwf.org.uk/"
    assert entries[ContactKind.REPORT_HARMFUL_CONTENT].website == (
        "https://reportharmfulcontent.com/"
    )
    for local in (ContactKind.LADO, ContactKind.MASH, ContactKind.PREVENT):
        assert entries[local].is_blank and entries[local].source_label == "To fill in"
    assert "101" in entries[ContactKind.PREVENT].meanwhile


def test_a_schools_entry_overrides_the_trusts_and_the_trusts_fills_the_rest(personas):
    trust = personas.school.trust
    lado(trust, "01632 960200", name="Council LADO")
    LocalContact.objects.create(
        trust=trust, kind=ContactKind.MASH, name="Council front door", phone="01632 960300"
    )
    lado(personas.school, "01632 960100", name="Our own LADO line")

    ours = by_kind(contacts_for(personas.school))
    assert (ours[ContactKind.LADO].phone, ours[ContactKind.LADO].source) == (
        "01632 960100",
        "school",
    )
    assert ours[ContactKind.MASH].source == "trust"
    assert ours[ContactKind.NSPCC].source == "standard"
    # The other school in the trust has no entry of its own: the trust's shows.
    theirs = by_kind(contacts_for(personas.other_school))
    assert theirs[ContactKind.LADO].phone == "01632 960200"
    # A school in another trust sees none of it.
    elsewhere = by_kind(contacts_for(SchoolFactory()))
    assert elsewhere[ContactKind.LADO].is_blank and elsewhere[ContactKind.MASH].is_blank


def test_every_other_entry_of_the_school_and_the_trust_is_listed_in_its_place(personas):
    trust = personas.school.trust
    for owner, name, order in ((trust, "Trust IT helpdesk", 500), (personas.school, "PCSO", 65)):
        where = {"school": owner} if owner is personas.school else {"trust": owner}
        LocalContact.objects.create(
            kind=ContactKind.OTHER, name=name, phone="01632 960900", order=order, **where
        )
    names = [e.name for e in contacts_for(personas.school)]
    assert names.index("Police (non-emergency)") < names.index("PCSO") < names.index("Prevent lead")
    assert names[-1] == "Trust IT helpdesk"


def test_999_cannot_be_overridden(personas):
    LocalContact.objects.create(
        school=personas.school, kind=ContactKind.EMERGENCY, name="Typo", phone="0999"
    )
    assert by_kind(contacts_for(personas.school))[ContactKind.EMERGENCY].phone == "999"
    with pytest.raises(ValidationError, match="999"):
        add_contact(
            by=personas.headteacher,
            school=personas.school,
            kind=ContactKind.EMERGENCY,
            name="Police",
            phone="01632 960000",
        )


def test_the_merge_reads_the_contacts_in_one_query(personas, django_assert_num_queries):
    lado(personas.school.trust)
    lado(personas.school)
    with django_assert_num_queries(1):
        contacts_for(personas.school)
    with django_assert_num_queries(1):
        urgent_contacts(personas.school)


def test_starting_from_the_standard_set_fills_in_what_is_given_once(personas):
    trust = personas.school.trust
    details = {ContactKind.LADO: {"name": "Council LADO", "phone": "01632 960410"}}
    made = start_from_standard_set(by=personas.chair, trust=trust, details=details)
    # The national entries with a number are copied; the blanks not given stay blank.
    kinds = {c.kind for c in made}
    assert ContactKind.LADO in kinds and ContactKind.NSPCC in kinds
    assert ContactKind.MASH not in kinds and ContactKind.EMERGENCY not in kinds
    assert start_from_standard_set(by=personas.chair, trust=trust, details=details) == []
    assert by_kind(contacts_for_trust(trust))[ContactKind.LADO].source == "trust"


# --- who may read and change them -------------------------------------------------------------


def test_every_member_of_staff_reads_the_list_and_only_the_leads_may_change_it(personas, client):
    for who in ("headteacher", "esafety_officer", "technician", "teacher"):
        response = page(client, getattr(personas, who), "local-contacts", personas.school.slug)
        assert response.status_code == 200, who
        can_change = "Add another contact" in response.content.decode()
        assert can_change == (who in ("headteacher", "esafety_officer")), who
    for who in ("pupil", "parent"):
        assert page(client, getattr(personas, who), "local-contacts", "oakwood").status_code == 403


def test_the_trust_lead_keeps_the_trusts_list_and_a_trustee_only_reads_it(personas):
    lead = UserFactory()
    trust = personas.school.trust
    TrustLead.objects.create(user=lead, trust=trust)
    assert allowed(lead, "esafety.edit_trust_contacts", trust)
    assert allowed(lead, "esafety.view_local_contacts", personas.school)
    assert not allowed(lead, "esafety.edit_local_contacts", personas.school)
    assert allowed(personas.chair, "esafety.edit_trust_contacts", trust)
    assert allowed(personas.trustee, "esafety.view_trust_contacts")
    assert not allowed(personas.trustee, "esafety.edit_trust_contacts", trust)
    assert not allowed(personas.headteacher, "esafety.view_trust_contacts")


def test_the_chair_changes_the_trusts_entry_for_every_school(personas, client):
    sign_in(client, personas.chair)
    url = reverse("trust-contact-add", args=[personas.school.trust_id]) + "?kind=lado"
    form = client.get(url).content.decode()
    assert 'value="Local authority designated officer (LADO)"' in form  # from the standard
    response = client.post(
        url, {"kind": "lado", "name": "Council LADO", "phone": "01632 960410", "order": "20"}
    )
    assert response.status_code == 302
    for school in (personas.school, personas.other_school):
        assert by_kind(contacts_for(school))[ContactKind.LADO].phone == "01632 960410"


# --- bad input ------------------------------------------------------------------------------


def entry(**overrides):
    return {"kind": "lado", "name": "Council LADO", "phone": "01632 960410", **overrides}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Give a UK phone number"),
        ("phone", "+1 555 123 4567", "Give a UK phone number"),
        ("phone", "\u0660\u0661\u0666\u0663\u0662 960410", "Give a UK phone number"),
        ("website", "http://www.eastbridge.example/lado", "starting with https://"),
        ("website", "javascript:alert(1)", "Enter a valid URL"),
        ("email", "not an address", "Enter a valid email address"),
        ("name", "Council \u202eODAL", "changes the direction of the text"),
        ("name", "\u200b", "only invisible characters"),
        ("hours", "9am\x07 to 5pm", "control character"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(personas, client, field, value, message):
    sign_in(client, personas.esafety_officer)
    url = reverse("local-contact-add", args=[personas.school.slug])
    response = client.post(url, entry(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LocalContact.objects.exists()


def test_an_entry_needs_a_way_to_reach_them(personas, client):
    sign_in(client, personas.esafety_officer)
    url = reverse("local-contact-add", args=[personas.school.slug])
    response = client.post(url, entry(phone=""))
    assert "Give at least one way to reach them" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "dialled"),
    [
        ("01632 960410", "01632960410"),
        ("+44 (0)1632 960410", "01632960410"),
        ("0044 1632 960410", "01632960410"),
        ("0800 1111", "08001111"),
        ("0808-800-5000", "08088005000"),
        ("07700 900123", "07700900123"),
        ("101", "101"),
        ("01632 960410 ext. 214", "01632960410"),
    ],
)
def test_uk_numbers_are_read_loosely(typed, dialled):
    assert phone_digits(typed) == dialled


def test_a_website_without_its_scheme_is_taken_as_https(personas, client):
    sign_in(client, personas.esafety_officer)
    url = reverse("local-contact-add", args=[personas.school.slug])
    assert client.post(url, entry(website="www.eastbridge.example/lado")).status_code == 302
    assert LocalContact.objects.get().website == "https://www.eastbridge.example/lado"


def test_a_second_entry_of_the_same_kind_is_refused_with_a_message(personas, client):
    lado(personas.school)
    sign_in(client, personas.esafety_officer)
    response = client.post(reverse("local-contact-add", args=["oakwood"]), entry())
    assert "already has its own LADO" in response.content.decode()
    assert LocalContact.objects.count() == 1


# --- removing, and history ---------------------------------------------------------------------


def test_a_change_is_recorded_with_who_made_it(personas, client):
    contact = lado(personas.school)
    sign_in(client, personas.esafety_officer)
    url = reverse("local-contact-edit", args=["oakwood", contact.pk])
    response = client.post(url, entry(phone="01632 960999", order="20"))
    assert response.status_code == 302
    latest = contact.history.latest()
    assert (latest.phone, latest.history_user) == ("01632 960999", personas.esafety_officer)
    directory = client.get(reverse("local-contacts", args=["oakwood"])).content.decode()
    assert "Eddie Officer" in directory and "Changed" in directory


def test_removing_the_schools_entry_brings_back_the_trusts_and_a_second_click_is_a_note(
    personas, client
):
    lado(personas.school.trust, "01632 960200")
    contact = lado(personas.school)
    sign_in(client, personas.headteacher)
    url = reverse("local-contact-edit", args=["oakwood", contact.pk])
    assert "the trust&#x27;s entry instead" in client.get(url).content.decode()
    assert client.post(url, {"remove": "1"}).status_code == 302
    assert by_kind(contacts_for(personas.school))[ContactKind.LADO].phone == "01632 960200"
    again = client.post(url, {"remove": "1"}, follow=True)
    assert "This entry was removed already." in again.content.decode()
    assert contact.history.latest().history_user == personas.headteacher


# --- where staff see them ----------------------------------------------------------------------


def test_the_log_incident_page_shows_the_schools_lado_number(personas, client):
    lado(personas.school, "01632 960123")
    sign_in(client, personas.teacher)
    response = client.get(reverse("incident-create"))
    html = response.content.decode()
    panel = html[html.index('id="contacts-panel-title"') :]
    assert 'href="tel:01632960123"' in panel
    assert 'href="tel:999"' in panel
    assert "not yet filled in — ask your DSL" in panel  # the front door is blank
    assert "https://report.iwf.org.uk/" in panel
    assert reverse("local-contacts", args=["oakwood"]) in panel
    # Most urgent first: 999, then the LADO, the front door, CEOP and the IWF.
    order = [panel.index(text) for text in ("tel:999", "tel:01632960123", "MASH", "ceop", "iwf")]
    assert order == sorted(order)


def test_the_directory_shows_blanks_as_not_yet_filled_in(personas, client):
    html = page(client, personas.teacher, "local-contacts", "oakwood").content.decode()
    assert NOT_FILLED_IN in html
    assert 'href="tel:08088005000"' in html
    assert "Fill in" not in html  # not for a teacher
    html = page(client, personas.esafety_officer, "local-contacts", "oakwood").content.decode()
    assert reverse("local-contact-add", args=["oakwood"]) + "?kind=lado" in html


def test_the_demo_has_its_councils_contacts_filled_in():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # safe to run again
    from esafety.models import School

    brookfield = School.objects.get(slug="brookfield")
    entries = by_kind(contacts_for(brookfield))
    assert entries[ContactKind.LADO].phone.startswith("01632 960")
    assert entries[ContactKind.LADO].source == "trust"
    assert not entries[ContactKind.MASH].is_blank
    hillside = contacts_for(School.objects.get(slug="hillside"))
    assert [e.name for e in hillside if e.source == "school"] == [
        "PC Sam Okafor, schools police officer"
    ]


# --- query counts -------------------------------------------------------------------------------


def fill(personas, count, start=0):
    school, trust = personas.school, personas.school.trust
    for n in range(start, start + count):
        owner = {"school": school} if n % 2 else {"trust": trust}
        contact = LocalContact.objects.create(
            kind=ContactKind.OTHER, name=f"Contact {n}", phone="01632 960700", **owner
        )
        contact.phone = "01632 960701"
        contact.save()  # a change, for the history table


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# The user and their second factor, their roles (2), the school, its contacts, the
# schools named in the navigation, unread notifications, the changes, and the session's
# save (3); a teacher's page one more (their idle-timeout check with no second factor
# to trust). The menu comes from the cache.
DIRECTORY_QUERIES = {"esafety_officer": 12, "teacher": 13, "chair": 12}


@pytest.mark.parametrize("who", ["esafety_officer", "teacher", "chair"])
def test_the_directory_costs_the_same_with_3_or_30_entries(personas, client, who):
    sign_in(client, getattr(personas, who))
    url = reverse("local-contacts", args=["oakwood"])
    fill(personas, 3)
    client.get(url)  # the menu, cached for the next pages
    small = queries_for(client, url)
    fill(personas, 27, start=3)
    large = queries_for(client, url)
    assert small == large, f"{small} queries with 3 entries, {large} with 30"
    assert small == DIRECTORY_QUERIES[who]


def test_the_trust_page_costs_the_same_with_3_or_30_entries(personas, client):
    sign_in(client, personas.chair)
    url = reverse("trust-contacts")
    fill(personas, 3)
    client.get(url)
    small = queries_for(client, url)
    fill(personas, 27, start=3)
    assert queries_for(client, url) == small


def test_the_standard_set_names_every_kind_but_other():
    assert {s.kind for s in contacts.STANDARD_SET} == set(ContactKind.values) - {"other"}
