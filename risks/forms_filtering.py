"""Forms for the filtering and monitoring review, the checks log and the decision log."""

from django import forms

from esafety.forms import DateInput
from esafety.models import User
from esafety.validators import CheckedFormMixin

from .forms import managers_of, staff_of
from .models import FilterDecision, FilteringCheck, FilteringReview
from .models_filtering import Monitoring


class ReviewForm(CheckedFormMixin, forms.ModelForm):
    monitoring = forms.MultipleChoiceField(
        label="How monitoring works",
        choices=Monitoring.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    submit_label = "Save the review"

    class Meta:
        model = FilteringReview
        fields = [
            "held_on",
            "senior_leader",
            "dsl",
            "it_provider",
            "trustee",
            "filtering_provider",
            "monitoring_provider",
            "covers_school_devices",
            "covers_guest_wifi",
            "covers_off_site",
            "categories_blocked",
            "monitoring",
            "findings",
        ]
        widgets = {
            "held_on": DateInput,
            "categories_blocked": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["senior_leader"].queryset = staff_of(school)
        self.fields["dsl"].queryset = staff_of(school)
        self.fields["trustee"].queryset = User.objects.filter(
            trusteeships__trust=school.trust_id, trusteeships__ended_on__isnull=True
        ).order_by("full_name")


class CheckForm(CheckedFormMixin, forms.ModelForm):
    submit_label = "Log the check"

    class Meta:
        model = FilteringCheck
        fields = [
            "checked_on",
            "device",
            "location",
            "what_tested",
            "expected",
            "actual",
            "passed",
            "action",
        ]
        widgets = {"checked_on": DateInput, "action": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "what_tested": "For example: a category that should be blocked, or a monitoring alert.",
            "passed": "Untick if the filter or monitoring did not do what was expected.",
        }


class DecisionForm(CheckedFormMixin, forms.ModelForm):
    submit_label = "Record the decision"

    class Meta:
        model = FilterDecision
        fields = ["requested_by", "change", "what", "why", "decided_by", "decided_on"]
        widgets = {"decided_on": DateInput, "why": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        # The standards: the DSL or the responsible senior leader decides.
        self.fields["decided_by"].queryset = managers_of(school)
