"""Every form's `action` is an address of the site.

A form whose action is not a URL (a template's context variable that is a record, say)
posts to its own text, and a browser gets a 404 that tests posting to the view directly
never see. On every page the demo logins reach (the dead-link test's walk), each `<form
action>` and `<button formaction>` must be empty (the page itself) or resolve.
"""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from esafety.tests.crawl import PageReader, report, walk_the_demo

# One walk per test process, read by the dead-link and form-action tests: one process.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-walk")]

# (demo login, URL name of the page) whose form actions are known to be wrong: to fix.
KNOWN: dict[tuple[str, str], str] = {}


def test_every_form_posts_to_an_address_of_the_site():
    wrong = [finding for finding in walk_the_demo().findings if finding.check == "action"]
    new = [finding for finding in wrong if finding.key not in KNOWN]
    assert not new, report(new, "Forms whose action is no address of the site")


def test_the_walk_checked_the_forms_of_every_login_and_the_risk_action_form():
    """The check above is real: every login's walk read forms, and the technician's read
    the "Mark as done" form of their risk action (issue 25's form)."""
    walked = walk_the_demo()
    assert all(walked.with_forms.values()), {k: len(v) for k, v in walked.with_forms.items()}
    done_form = [
        page
        for page, what in walked.landmarks["technician@riverside"].items()
        if "risk action" in what
    ]
    assert done_form and set(done_form) <= walked.with_forms["technician@riverside"]


class _Note:
    """A record in a view's context, named `action` (a risk's action, say)."""

    def __str__(self):
        return "Block the VPN category"


def form_actions(**context) -> list:
    from django import forms

    class NoteForm(forms.Form):
        submit_label = "Save the note"
        note = forms.CharField()

    request = RequestFactory().get("/somewhere/")
    html = render_to_string("partials/form.html", {"form": NoteForm(), **context}, request)
    reader = PageReader()
    reader.feed(html)
    return [form.action for form in reader.forms]


def test_the_form_partial_never_posts_to_a_record_named_action():
    assert form_actions(action=_Note()) == [None]  # posts to the page itself
    assert form_actions(action="/accounts/reminders/") == [None]  # only form_action counts


def test_the_form_partial_posts_where_it_is_told():
    assert form_actions(form_action="/accounts/reminders/") == ["/accounts/reminders/"]
    assert form_actions(form_action="/accounts/reminders/", action=_Note()) == [
        "/accounts/reminders/"
    ]
    assert form_actions() == [None]
