"""The people picker: search a school's pupils and staff by name, class or year group.

One search (`search_people`) behind one widget (`PersonPicker`) and one field
(`PersonField`), used wherever a person is chosen. With JavaScript it is a combobox that
asks the server as you type (htmx); without it, the typed text is resolved when the form
is sent: one match is taken, several are offered as choices, none is a clear error.
Nothing is pre-loaded: the page never holds the school's list of people.
"""

import re

from django import forms
from django.db.models import Q
from django.urls import reverse

from esafety.models import STAFF_ROLES, Membership, Role, User
from esafety.params import parse_id
from esafety.validators import validate_single_line

PUPILS_AND_STAFF = frozenset({Role.PUPIL, *STAFF_ROLES})
MAX_RESULTS = 10
MIN_QUERY = 2


def _word_q(word: str) -> Q:
    match = Q(user__full_name__icontains=word) | Q(class_name__iexact=word)
    if year := re.fullmatch(r"(?:y|yr|year)?(\d{1,2})", word, re.IGNORECASE):
        match |= Q(year_group=int(year[1]))
    if word.lower() in ("r", "rec", "reception"):
        match |= Q(year_group=0)
    return match


def search_people(school, query: str, *, roles=PUPILS_AND_STAFF, exclude=None) -> list:
    """Up to MAX_RESULTS memberships (one per person) matching every word of `query`, by
    name, class ("5B") or year group ("Year 5", "Y5"). Two queries however big the school."""
    query = re.sub(r"\byear\s+(\d)", r"y\1", query.strip(), flags=re.IGNORECASE)
    if len(query) < MIN_QUERY:
        return []
    found = Membership.objects.active().filter(school=school, role__in=roles)
    for word in query.split()[:5]:
        found = found.filter(_word_q(word))
    if exclude is not None:
        found = found.exclude(user__in=exclude)
    found = found.select_related("user").order_by("user__full_name", "role")[: MAX_RESULTS * 2]
    unique = {}
    for membership in found:
        unique.setdefault(membership.user_id, membership)
    return list(unique.values())[:MAX_RESULTS]


def describe(membership) -> str:
    """How a person is told apart in the list: "Pupil, Year 5, 5B" or "Staff: Teacher"."""
    if membership.role == Role.PUPIL:
        parts = [
            "Pupil",
            membership.get_year_group_display() if membership.year_group is not None else "",
        ]
        return ", ".join(p for p in [*parts, membership.class_name] if p)
    return f"Staff: {membership.description}"


class PersonPicker(forms.Widget):
    """A labelled combobox (search box + listbox) that also works as a plain text box."""

    template_name = "incidents/widgets/person_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.search_url = ""
        self.matches = []  # offered as radio buttons when a typed name was ambiguous

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_

    def value_from_datadict(self, data, files, name):
        """(id, text typed). A choice among ambiguous matches wins over the text."""
        if choice := data.get(f"{name}_choice"):
            return (choice, "")
        return (data.get(name) or "", (data.get(f"{name}_search") or "").strip())

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}{end}" in data for end in ("", "_search", "_choice"))

    def format_value(self, value):
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pk, text = value if isinstance(value, tuple) else (value, "")
        if pk and not text:
            # Re-shown with whatever was sent (?pupil=abc): only a real id is looked up.
            chosen = parse_id(str(pk))
            user = User.objects.filter(pk=chosen).first() if chosen is not None else None
            text = str(user) if user else ""
        context["widget"].update(
            pk=pk or "", text=text, search_url=self.search_url, matches=self.matches
        )
        return context


NAME_TYPED_MAX_LENGTH = 150  # a person's full name's column


class PersonField(forms.Field):
    """A person from `queryset`, chosen with the picker. `search` (query -> memberships)
    resolves a typed name when no one was picked from the list."""

    widget = PersonPicker

    def __init__(self, *, queryset=None, search=None, **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else User.objects.none()
        self.search = search

    def clean(self, value):
        pk, text = value if isinstance(value, tuple) else (value or "", "")
        self.widget.matches = []
        validate_single_line(text)
        if len(text) > NAME_TYPED_MAX_LENGTH:
            # A name, not a document: a huge pattern is refused before any search.
            raise forms.ValidationError(
                f"Type at most {NAME_TYPED_MAX_LENGTH} characters of the name.", code="max_length"
            )
        chosen = parse_id(str(pk))
        if chosen is not None:
            person = self.queryset.filter(pk=chosen).first()
            if person is not None and (not text or text == str(person)):
                return person
        if not text and str(pk).strip():
            # Something was chosen that is not on this list (another school's person, a
            # tampered id): say so rather than drop it.
            raise forms.ValidationError(
                "That person can't be chosen here. Search for them again and choose from the list.",
                code="not_on_list",
            )
        if not text:
            if self.required:
                raise forms.ValidationError("Choose a person.", code="required")
            return None
        matches = self.search(text) if self.search else []
        if len(matches) == 1:
            return self.queryset.filter(pk=matches[0].user_id).first() or self._none(text)
        if not matches:
            return self._none(text)
        self.widget.matches = [(m.user_id, f"{m.user} – {describe(m)}") for m in matches]
        raise forms.ValidationError(
            f"{len(matches)} people match “{text}”: choose one below, or type more of the "
            "name, their class or year group.",
            code="ambiguous",
        )

    def _none(self, text):
        raise forms.ValidationError(
            f"No one matches “{text}”. Check the spelling, or type the name in the box for "
            "people not listed.",
            code="no_match",
        )


def picker_url(*, school=None, incident=None, staff_only=False, pupils_only=False) -> str:
    params = f"incident={incident.pk}" if incident else f"school={school.slug}"
    params += "&staff=1" if staff_only else "&pupils=1" if pupils_only else ""
    return f"{reverse('people-search')}?{params}"
