"""Training forms. Business rules live in the services; these parse and offer choices."""

from django import forms

from esafety.forms import DateInput
from esafety.models import YEAR_GROUP_CHOICES, Role, StaffType
from esafety.validators import CheckedFormMixin

from .models import AUDIENCE_CHOICES, Evidence, Lesson, ParentSession, Requirement, Strand
from .status import STATUS_LABELS

TICKS = forms.CheckboxSelectMultiple
# A date field shows its value as the browser's date picker expects (YYYY-MM-DD).
ISO_DATE = DateInput(format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class RequirementForm(CheckedFormMixin, forms.ModelForm):
    submit_label = "Save"

    audience_roles = forms.MultipleChoiceField(
        label="Who must have it", choices=AUDIENCE_CHOICES, widget=TICKS
    )
    audience_staff_types = forms.MultipleChoiceField(
        label="Only these kinds of staff",
        choices=StaffType.choices,
        widget=TICKS,
        required=False,
        help_text="Leave all unticked for every kind.",
    )

    class Meta:
        model = Requirement
        fields = [
            "title",
            "covers",
            "audience_roles",
            "audience_staff_types",
            "new_starters_only",
            "induction_days",
            "renew_months",
            "evidence",
            "document",
            "guide_slug",
            "escalate",
            "is_active",
        ]
        widgets = {"covers": forms.Textarea(attrs={"rows": 3}), "evidence": forms.RadioSelect}

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label = "Document people sign (for evidence by signing)"


class RecordForm(CheckedFormMixin, forms.Form):
    submit_label = "Record it"

    requirement = forms.ModelChoiceField(
        queryset=Requirement.objects.none(),
        required=False,
        empty_label="Other training (not one of the school's requirements)",
    )
    title = forms.CharField(
        label="What training (for other training)", max_length=200, required=False
    )
    completed_on = forms.DateField(label="Date", widget=ISO_DATE)
    provider = forms.CharField(max_length=200, required=False, help_text="Who ran it.")
    hours = forms.DecimalField(max_digits=4, decimal_places=1, min_value=0, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    certificate = forms.FileField(required=False, help_text="A PDF, PNG or JPEG of up to 5 MB.")

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirements.exclude(evidence=Evidence.SIGNATURE)


class CompleteForm(CheckedFormMixin, forms.Form):
    submit_label = "Record it as done"

    completed_on = forms.DateField(label="Date done", widget=ISO_DATE)
    provider = forms.CharField(max_length=200, required=False)
    hours = forms.DecimalField(max_digits=4, decimal_places=1, min_value=0, required=False)
    certificate = forms.FileField(required=False, help_text="A PDF, PNG or JPEG of up to 5 MB.")


class SessionForm(CheckedFormMixin, forms.Form):
    submit_label = "Record the session"

    requirement = forms.ModelChoiceField(queryset=Requirement.objects.none(), label="Training")
    completed_on = forms.DateField(label="Date of the session", widget=ISO_DATE)
    provider = forms.CharField(max_length=200, required=False, help_text="Who ran it.")
    hours = forms.DecimalField(max_digits=4, decimal_places=1, min_value=0, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    people = forms.TypedMultipleChoiceField(
        label="Who was there", coerce=int, widget=TICKS, required=False
    )

    def __init__(self, *args, requirements, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirements.exclude(evidence=Evidence.SIGNATURE)
        self.fields["people"].choices = [(p.user_id, p.name) for p in people]


class CPDForm(CheckedFormMixin, forms.Form):
    submit_label = "Send my request"

    topic = forms.CharField(label="What training would help you?", max_length=200)
    reason = forms.CharField(
        label="Why (for example, something you don't feel equipped to deal with)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class DecideForm(CheckedFormMixin, forms.Form):
    submit_label = "Decide"

    decision = forms.ChoiceField(
        choices=[("approve", "Approve: plan the training"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    due_on = forms.DateField(label="To be done by (if approved)", widget=ISO_DATE, required=False)
    reason = forms.CharField(
        label="Note to the person (required if declined)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ParentSessionForm(CheckedFormMixin, forms.ModelForm):
    submit_label = "Add the session"

    year_groups = forms.TypedMultipleChoiceField(
        label="Year groups invited", choices=YEAR_GROUP_CHOICES, coerce=int, widget=TICKS
    )

    class Meta:
        model = ParentSession
        fields = ["topic", "starts_at", "place", "year_groups", "materials"]
        widgets = {
            "starts_at": DateTimeInput(format="%Y-%m-%dT%H:%M"),
            "materials": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M"]


class AttendanceForm(CheckedFormMixin, forms.Form):
    submit_label = "Record attendance"

    attendance_count = forms.IntegerField(
        label="How many parents came", min_value=0, max_value=5000, required=False
    )
    attendees = forms.TypedMultipleChoiceField(
        label="Or tick the parents who came", coerce=int, widget=TICKS, required=False
    )

    def __init__(self, *args, invited, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(p.pk, p.full_name) for p in invited]


class LessonForm(CheckedFormMixin, forms.ModelForm):
    submit_label = "Record the lesson"

    class Meta:
        model = Lesson
        fields = ["taught_on", "year_group", "class_name", "strand", "topic", "incident_action"]
        widgets = {"taught_on": ISO_DATE}

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strand"].choices = [("", "Choose a strand"), *Strand.choices]
        field = self.fields["incident_action"]
        if actions is None:  # nothing open: the form stays short
            del self.fields["incident_action"]
            return
        field.queryset = actions
        field.required = False
        field.label = "Carries out an action on an incident (optional)"
        field.help_text = "The action is marked done, naming this lesson."
        field.empty_label = "No"
        field.label_from_instance = lambda entry: f"{entry.incident.reference}: {entry.text[:80]}"


class MatrixFilter(CheckedFormMixin, forms.Form):
    submit_label = "Show"

    role = forms.ChoiceField(
        choices=[
            ("", "Everyone"),
            *[(r, label) for r, label in Role.choices if r not in ("pupil", "parent")],
            ("trustee", "Trustees"),
        ],
        required=False,
    )
    staff_type = forms.ChoiceField(
        label="Staff type", choices=[("", "All"), *StaffType.choices], required=False
    )
    status = forms.ChoiceField(choices=[("", "Any"), *STATUS_LABELS.items()], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
