"""Ending a parent's link to a child, on the school's pages (not only in the Django admin):
the headteacher or e-safety officer gives a reason, it is kept with who ended it, and the
parent's pages drop the child on their very next request."""

import html
import re

import pytest
from django.urls import reverse

from esafety.models import ParentLink, Role
from esafety.testing import SchoolFactory, person, sign_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def link_of(personas):
    return ParentLink.objects.get(parent=personas.parent, child=personas.pupil)


def end_url(personas, link=None):
    return reverse("parent-link-end", args=[personas.school.slug, (link or link_of(personas)).pk])


@pytest.mark.parametrize("name", ["headteacher", "esafety_officer"])
def test_a_school_lead_ends_the_link_with_a_reason_kept_in_the_history(personas, client, name):
    lead = getattr(personas, name)
    sign_in(client, lead)
    child_page = reverse("person-detail", args=[personas.school.slug, personas.pupil.pk])
    assert end_url(personas) in client.get(child_page).content.decode()
    assert client.get(end_url(personas)).status_code == 200
    response = client.post(end_url(personas), {"reason": "Court order"})
    assert response.status_code == 302 and response.url == child_page
    link = link_of(personas)
    assert link.ended_on is not None
    assert link.ended_reason == "Court order" and link.ended_by == lead
    record = link.history.first()
    assert record.history_user == lead and record.history_change_reason == "Link ended: Court order"
    page = text(client.get(child_page))
    assert f"ended {link.ended_on:%-d %b %Y} by {lead.full_name}: Court order" in page
    assert end_url(personas) not in client.get(child_page).content.decode()


def test_the_reason_is_required(personas, client):
    sign_in(client, personas.headteacher)
    response = client.post(end_url(personas), {"reason": "  "})
    assert response.status_code == 200
    assert "This field is required" in text(response) or "Say why" in text(response)
    assert link_of(personas).ended_on is None


def test_ending_twice_is_a_note_and_keeps_the_first_reason(personas, client):
    sign_in(client, personas.headteacher)
    client.post(end_url(personas), {"reason": "Court order"})
    again = client.post(end_url(personas), {"reason": "Something else"}, follow=True)
    assert again.status_code == 200
    assert "had already ended" in text(again)
    assert link_of(personas).ended_reason == "Court order"
    assert link_of(personas).history.count() == 2  # made, ended: not ended twice


@pytest.mark.parametrize("name", ["teacher", "technician", "parent", "trustee", "chair"])
def test_others_in_the_school_may_not_end_a_link(personas, client, name):
    sign_in(client, getattr(personas, name))
    assert client.post(end_url(personas), {"reason": "x"}).status_code == 403
    assert link_of(personas).ended_on is None


def test_another_schools_head_cannot_end_a_link_of_this_schools_child(personas, client):
    """Not even when the parent is also a parent at their school: the child is not theirs."""
    personas.parent.memberships.create(school=personas.other_school, role=Role.PARENT)
    sign_in(client, personas.other_school_headteacher)
    other = reverse("parent-link-end", args=[personas.other_school.slug, link_of(personas).pk])
    assert client.post(other, {"reason": "x"}).status_code == 404
    parent_page = reverse("person-detail", args=[personas.other_school.slug, personas.parent.pk])
    assert "End this link" not in text(client.get(parent_page))  # no link the rules refuse
    assert link_of(personas).ended_on is None


def test_a_link_to_a_child_elsewhere_is_not_offered_here(personas, client):
    elsewhere = person(SchoolFactory(trust=personas.school.trust), Role.PUPIL, name="Far Child")
    ParentLink.objects.create(parent=personas.parent, child=elsewhere)
    sign_in(client, personas.headteacher)
    parent_page = reverse("person-detail", args=[personas.school.slug, personas.parent.pk])
    page = client.get(parent_page).content.decode()
    assert end_url(personas) in page
    assert page.count("End this link") == 1


# --- the parent's pages drop the child at once ------------------------------------------------


def publish_parent_agreement(personas):
    from agreements import services
    from agreements.models import Kind
    from agreements.starter import install_standard_documents

    head = personas.headteacher
    for document in install_standard_documents(personas.school, by=head):
        draft = document.versions.get()
        services.head_sign_off(version=draft, by=head)
        services.approve(version=draft, by=head)
    document = personas.school.documents.get(kind=Kind.PARENT)
    services.sync_requests(document=document)
    return document


def your_children_panel(response) -> str:
    """The home page's "Your children" panel, as words."""
    page = response.content.decode()
    start = page.index(">Your children<")
    return text_of(page[start : page.index("</section>", start)])


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_the_parents_home_page_drops_the_child_at_once(personas, client):
    """The "Your children" panel is kept in the cache between visits: ending the link
    makes the very next visit work it out again."""
    second = person(personas.school, Role.PUPIL, name="Sid Second")
    ParentLink.objects.create(parent=personas.parent, child=second)
    parent = sign_in(type(client)(), personas.parent)
    before = your_children_panel(parent.get(reverse("home")))
    assert "Poppy Pupil" in before and "Sid Second" in before

    sign_in(client, personas.headteacher)
    assert client.post(end_url(personas), {"reason": "Court order"}).status_code == 302

    after = your_children_panel(parent.get(reverse("home")))
    assert "Poppy Pupil" not in after and "Sid Second" in after


def test_the_parents_to_sign_list_and_family_page_drop_the_child_at_once(personas, client):
    second = person(personas.school, Role.PUPIL, name="Sid Second")
    ParentLink.objects.create(parent=personas.parent, child=second)
    document = publish_parent_agreement(personas)
    parent = sign_in(type(client)(), personas.parent)
    pages = {
        "home": reverse("home"),
        "to sign": reverse("agreements-to-sign"),
        "family": reverse("agreements-sign-family", args=[document.pk]),
    }
    for name, url in pages.items():  # seen (and kept) before the change
        page = text(parent.get(url))
        assert "Poppy Pupil" in page and "Sid Second" in page, name

    sign_in(client, personas.headteacher)
    assert client.post(end_url(personas), {"reason": "Court order"}).status_code == 302

    for name, url in pages.items():
        page = text(parent.get(url, follow=True))
        assert "Poppy Pupil" not in page, name
        assert "Sid Second" in page, name
