"""Retention's forms. The rules behind them are in services.py."""

from django import forms

from ..forms import CrispyMixin, SentOnceMixin
from .registry import years_text

MAX_YEARS = 120


class LengthenForm(CrispyMixin, forms.Form):
    submit_label = "Save the school's period"

    years = forms.IntegerField(
        label="Keep for (years)",
        min_value=0,
        max_value=MAX_YEARS,
        help_text="At least the minimum; longer only with a reason.",
    )
    reason = forms.CharField(
        label="Why the school keeps them this long",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the trust's policy, or advice from the local authority.",
    )

    def __init__(self, *args, minimum: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum = minimum

    def clean_years(self):
        years = self.cleaned_data["years"]
        if years < self.minimum:
            raise forms.ValidationError(
                f"It can't be shorter than the minimum of {years_text(self.minimum)}."
            )
        return years


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email or f"Person {obj.pk}"


class HoldForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Place the hold"

    person = PersonChoiceField(
        queryset=None,
        required=False,
        label="Everything about this person",
        help_text=(
            'Everyone who is or was at the school. To hold one record, use "Place a '
            'legal hold" beside it in the review.'
        ),
    )
    record = forms.CharField(widget=forms.HiddenInput, required=False, max_length=120)
    reason = forms.CharField(
        label="Why the records must be kept",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: a police investigation, an open LADO case, a claim or inquiry.",
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("record"):
            self.add_error("person", "Choose the person whose records must be kept.")
        return data


class LiftForm(CrispyMixin, forms.Form):
    submit_label = "Lift the hold"

    reason = forms.CharField(
        label="Why it can be lifted",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the police closed their investigation on 3 March.",
    )
