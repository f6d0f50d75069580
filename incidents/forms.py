import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from esafety.models import STAFF_ROLES, Membership, Role, TrusteeMembership, User
from esafety.validators import CheckedFormMixin, CheckedFormSet
from esafety.widgets import quick_selects

from .categories import CATEGORIES, category
from .models import (
    ALLEGATION_SUBJECTS,
    Agency,
    AllegationOutcome,
    Answer,
    Incident,
    IncidentTag,
    Location,
    ParentsInformed,
    Part,
    PersonKind,
    RiskArea,
    Subject,
)
from .people import PersonField, picker_url, search_people
from .rules import people_hidden_from
from .services import AMENDABLE_FIELDS, kind_of

# "When it happened": not in the future, and not so long ago it must be a typo.
OLDEST_OCCURRENCE = datetime.timedelta(days=365 * 10)


class TypedTextMixin:
    """Text boxes take their direction from what is typed (dir="auto"): a name or a note in
    Arabic or Urdu reads right to left, an English one left to right."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) in (forms.TextInput, forms.Textarea):
                field.widget.attrs.setdefault("dir", "auto")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    """A date picker. Its value must be ISO (2026-11-30): a British 30/11/2026, Django's
    default here, leaves the browser's box empty, losing today's date or the one typed."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


CATEGORY_FIELD_CHOICES = [
    ("", "Not sure yet – the e-safety officer will decide"),
    ("Pupil", [(c.code, c.label) for c in CATEGORIES if not c.for_staff]),
    ("Staff", [(c.code, c.label) for c in CATEGORIES if c.for_staff]),
]


def school_people(school):
    """Pupils and staff currently in the school, for choosing who was involved."""
    members = Membership.objects.active().filter(school=school, role__in={Role.PUPIL, *STAFF_ROLES})
    return User.objects.filter(Q(memberships__in=members)).distinct().order_by("full_name")


# The log form's first questions, in plain words: each "yes" or "not sure" makes the report
# urgent (routing.URGENCY). Asked of everyone, up front, never folded away.
URGENT_QUESTIONS = {
    "child_at_risk_now": (
        "Is a child at risk of harm now?",
        "For example they are being threatened, or have said they will meet someone. If "
        "so, also tell the e-safety officer in person or by phone now.",
    ),
    "contact_from_older": (
        "Has an adult or an older child contacted a child?",
        "Online or in person: messages, friend requests, asking them to move to another "
        "app, to keep a secret or to meet.",
    ),
    "image_of_child": (
        "Is an image or video of a child involved?",
        "Sent, shared, shown, or asked for, including a child being asked for a photo.",
    ),
}


def answer_field(name) -> forms.ChoiceField:
    label, help_text = URGENT_QUESTIONS[name]
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=Answer.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Answer yes, no or not sure."},
    )


class IncidentForm(TypedTextMixin, CheckedFormMixin, forms.ModelForm):
    category = forms.ChoiceField(choices=CATEGORY_FIELD_CHOICES, required=False)
    child_at_risk_now = answer_field("child_at_risk_now")
    contact_from_older = answer_field("contact_from_older")
    image_of_child = answer_field("image_of_child")

    class Meta:
        model = Incident
        fields = [
            *URGENT_QUESTIONS,
            "subject",
            "occurred_at",
            "location",
            "description",
            "action_taken",
            "category",
            "risk_area",
            "tags",
            "platform",
            "device_owner",
            "device_description",
            "suspected_illegal_material",
        ]
        widgets = {
            "subject": forms.RadioSelect,
            "location": forms.RadioSelect,
            "occurred_at": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "action_taken": forms.Textarea(attrs={"rows": 3}),
            "tags": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "description": "Facts only: what was seen or said, by whom, in their words where "
            "you can. Don't include images.",
            "occurred_at": "Now, unless you change it. Your best estimate is fine.",
            "suspected_illegal_material": "Child abuse images or videos. Don't open or copy "
            "them: see the steps below.",
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = Subject.choices
        self.fields["subject"].widget.attrs["class"] = "form-check-input"
        self.fields["subject"].label = "Who is the concern about?"
        self.fields["subject"].help_text = (
            "A concern about an adult who works or volunteers here is urgent: it goes "
            "straight to the headteacher; about the headteacher, to the chair of trustees, "
            "and the headteacher will not see it."
        )
        self.fields["location"].choices = Location.choices
        self.fields["risk_area"].choices = [("", "Not sure"), *list(RiskArea.choices)]
        self.fields["tags"].queryset = IncidentTag.objects.filter(
            Q(school=school) | Q(school__isnull=True)
        )
        self.fields["tags"].label = "Kind of incident"
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.fields["occurred_at"].required = True
        if not self.is_bound and not self.instance.occurred_at:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        quick_selects(self)

    def clean_occurred_at(self):
        return check_occurred_at(self.cleaned_data.get("occurred_at"))


def check_occurred_at(value):
    now = timezone.now()
    if value and value > now + datetime.timedelta(minutes=5):
        raise forms.ValidationError("When it happened can't be in the future.")
    if value and value < now - OLDEST_OCCURRENCE:
        raise forms.ValidationError(
            "When it happened is more than 10 years ago: check the year. For an older "
            "concern, give today's date and say when it happened in the description."
        )
    return value


class PersonInvolvedForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    """One person involved, found with the people picker among the school's pupils and
    staff (`school=`, or the incident's)."""

    person = PersonField(required=False, label="Pupil or member of staff")
    name = forms.CharField(
        max_length=150,
        required=False,
        label="Or their name, if not in the school's list",
        help_text="A visitor, a parent, someone online.",
    )
    kind = forms.ChoiceField(
        choices=[("", "Worked out from the person chosen"), *PersonKind.choices],
        required=False,
        label="Who they are",
    )
    part = forms.ChoiceField(choices=Part.choices, label="Their part")

    def __init__(self, *args, school=None, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        school = school or incident.school
        field = self.fields["person"]
        field.queryset = school_people(school)
        field.search = lambda text: search_people(school, text)
        field.widget.search_url = picker_url(school=school, incident=incident)
        quick_selects(self)

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("name"):
            self.add_error("name", "Choose a person from the list or type a name, not both.")
        if data.get("person") and not data.get("kind"):
            data["kind"] = kind_of(data["person"])
        elif data.get("name") and not data.get("kind"):
            data["kind"] = PersonKind.UNKNOWN
        return data

    def has_person(self):
        return bool(self.cleaned_data.get("person") or self.cleaned_data.get("name"))

    def as_entry(self):
        data = self.cleaned_data
        return {
            "person": data["person"],
            "name": data["name"],
            "kind": data["kind"],
            "part": data["part"],
        }


# absolute_max: a forged count of 999,999 people is refused at once instead of building
# that many forms.
PeopleFormSet = forms.formset_factory(
    PersonInvolvedForm, formset=CheckedFormSet, extra=3, max_num=20, absolute_max=20
)


def people_initial(incident):
    return [
        {"person": p.person_id, "name": p.name, "kind": p.kind, "part": p.part}
        for p in incident.people.all()
    ]


class NoteForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    text = forms.CharField(
        label="What was done or decided", widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = PersonField(
        required=False,
        label="Action for (leave blank for a note)",
        help_text="Type a name and choose the member of staff.",
    )
    due_on = forms.DateField(widget=DateInput, required=False, label="Due by")

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        hidden = people_hidden_from(incident)
        members = Membership.objects.active().filter(school=incident.school, role__in=STAFF_ROLES)
        owners = User.objects.filter(memberships__in=members).distinct().exclude(pk__in=hidden)
        field = self.fields["owner"]
        field.queryset = owners
        field.search = lambda text: search_people(
            incident.school, text, roles=STAFF_ROLES, exclude=hidden
        )
        field.widget.search_url = picker_url(incident=incident, staff_only=True)


class PupilPickerForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    """One pupil of the school, chosen with the people picker (pupils only, nothing
    pre-loaded): a chronology to open, a monitoring alert to match."""

    submit_label = "Choose this pupil"
    pupil = PersonField(label="Pupil", help_text="Type their name, class (5B) or year group.")

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pupil"]
        field.queryset = User.objects.filter(
            memberships__school=school, memberships__role=Role.PUPIL
        ).distinct()
        field.search = lambda text: search_people(school, text, roles={Role.PUPIL})
        field.widget.search_url = picker_url(school=school, pupils_only=True)


class ChronologyFindForm(PupilPickerForm):
    submit_label = "Show their chronology"


class ReferralForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    agency = forms.ChoiceField(choices=Agency.choices)
    referred_on = forms.DateField(widget=DateInput, initial=timezone.localdate)
    reference = forms.CharField(max_length=100, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SanctionForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    description = forms.CharField(
        max_length=300,
        label="Sanction",
        help_text="Start typing, or choose one the policy suggests for this category.",
    )
    person = PersonField(
        required=False,
        label="Applied to",
        help_text="Type their name, class or year and choose them. Someone not yet "
        "recorded on the incident is added to it as the alleged perpetrator.",
    )
    applied_on = forms.DateField(widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        school = incident.school
        field = self.fields["person"]
        field.queryset = school_people(school)
        field.search = lambda text: search_people(school, text)
        field.widget.search_url = picker_url(incident=incident)
        rule = category(incident.category)
        if rule:
            self.fields["description"].widget.attrs["list"] = "suggested-sanctions"
        self.suggestions = (rule.sanctions + rule.escalation) if rule else ()


class ParentContactForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    informed = forms.ChoiceField(
        choices=[c for c in ParentsInformed.choices if c[0]],
        widget=forms.RadioSelect,
        label="Were parents or carers told?",
    )
    when = forms.DateTimeField(
        widget=DateTimeLocalInput(), required=False, input_formats=["%Y-%m-%dT%H:%M"], label="When"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Why not (if not told)"
    )


class ReviewDateForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    review_date = forms.DateField(widget=DateInput)


class ReviewForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    result = forms.CharField(label="Result of review", widget=forms.Textarea(attrs={"rows": 3}))
    close = forms.BooleanField(required=False, label="Close the incident")

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        if incident is None or incident.subject not in ALLEGATION_SUBJECTS:
            return
        # An allegation about an adult: its outcome, in KCSIE's words (a malicious one is
        # then listed for removal by the retention review).
        self.fields["outcome"] = forms.ChoiceField(
            label="Outcome of the allegation",
            choices=[("", "Not decided yet"), *AllegationOutcome.choices],
            required=False,
            initial=incident.allegation_outcome,
        )
        self.order_fields(["result", "outcome", "close"])


class PolicyReviewForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    reason = forms.CharField(
        label="What in the policy needs another look", widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    file = forms.FileField(help_text="Documents, logs or (where allowed) screenshots. Up to 10 MB.")
    description = forms.CharField(max_length=200, required=False)


def amended_answer_field(name) -> forms.ChoiceField:
    """As on the log form; not required, as incidents logged before it asked have none."""
    label, _ = URGENT_QUESTIONS[name]
    return forms.ChoiceField(
        label=label, choices=[("", "Not answered"), *Answer.choices], required=False
    )


class AmendForm(TypedTextMixin, CheckedFormMixin, forms.ModelForm):
    category = forms.ChoiceField(choices=CATEGORY_FIELD_CHOICES, required=False)
    child_at_risk_now = amended_answer_field("child_at_risk_now")
    contact_from_older = amended_answer_field("contact_from_older")
    image_of_child = amended_answer_field("image_of_child")
    reason = forms.CharField(
        label="Why are you changing the report?",
        # It is the history record's change reason, a column of 100 characters.
        max_length=100,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Incident
        fields = list(AMENDABLE_FIELDS)
        widgets = {
            "occurred_at": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "action_taken": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.fields["risk_area"].choices = [("", "Not sure"), *list(RiskArea.choices)]

    def clean_occurred_at(self):
        return check_occurred_at(self.cleaned_data.get("occurred_at"))


class ClassifyForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    """The officer's classification: all three are needed before the incident can close."""

    category = forms.ChoiceField(
        choices=[("", "Choose a category"), *CATEGORY_FIELD_CHOICES[1:]],
        help_text="The school policy's categories (A to D for pupils, A and B for staff), with "
        "examples on the log form.",
    )
    risk_area = forms.ChoiceField(
        label="Risk area",
        choices=[("", "Choose a risk area"), *RiskArea.choices],
        help_text="The 4 Cs of Keeping Children Safe in Education: the trustees' figures "
        "are counted by them.",
    )
    tags = forms.ModelMultipleChoiceField(
        queryset=IncidentTag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Kind of incident",
        help_text="Tick every kind that applies.",
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = IncidentTag.objects.filter(
            Q(school=incident.school_id) | Q(school__isnull=True)
        )
        if not self.is_bound:
            self.initial = {
                "category": incident.category,
                "risk_area": incident.risk_area,
                "tags": [tag.pk for tag in incident.tags.all()],
            }
        quick_selects(self)


class TrusteeForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    trustee = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        trusteeships = TrusteeMembership.objects.active().filter(trust=incident.school.trust_id)
        self.fields["trustee"].queryset = User.objects.filter(
            trusteeships__in=trusteeships
        ).distinct()


class EmptyForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    """For actions that need only a confirming button (acknowledge, sign off)."""


class ActionDoneForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    submit_label = "Mark as done"
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A line for the record, e.g. “Talked to the class on Tuesday”.",
    )


class CloseForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    close_actions_reason = forms.CharField(
        label="Reason to close any open actions with it (if there are any)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ReopenForm(TypedTextMixin, CheckedFormMixin, forms.Form):
    reason = forms.CharField(label="Why reopen it?", widget=forms.Textarea(attrs={"rows": 2}))
