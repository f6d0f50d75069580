"""The self-review's forms. The services check every rule again; these give clear
messages. CheckedFormMixin first in each (esafety/validators.py)."""

from django import forms

from esafety.forms import DateInput
from esafety.models import User
from esafety.validators import CheckedFormMixin

from .framework import ASPECT_CHOICES


class RatingForm(CheckedFormMixin, forms.Form):
    submit_label = "Save the rating"
    level = forms.TypedChoiceField(
        label="Level",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a level from 1 to 5."},
    )
    notes = forms.CharField(
        label="What the school found",
        help_text="Strengths, gaps and evidence the product's records don't hold. Needed when "
        "the rating is well above what the records suggest.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, aspect, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = aspect.choices()


class SummaryForm(CheckedFormMixin, forms.Form):
    submit_label = "Save the summary"
    summary = forms.CharField(
        label="Overall summary",
        help_text="The school's view of its online safety this year, for the trustees.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class ActionForm(CheckedFormMixin, forms.Form):
    submit_label = "Add the action"
    text = forms.CharField(
        label="What will be done", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    aspect = forms.ChoiceField(
        label="Aspect it improves",
        choices=[("", "Not one aspect"), *ASPECT_CHOICES],
        required=False,
    )
    owner = forms.ModelChoiceField(
        label="Who will do it",
        queryset=User.objects.none(),
        empty_label="Choose a member of staff…",
    )
    due_on = forms.DateField(label="Due date", widget=DateInput)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class DoneForm(CheckedFormMixin, forms.Form):
    submit_label = "Mark as done"
    done_on = forms.DateField(
        label="Done on", widget=DateInput, required=False, help_text="Blank: today."
    )
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
