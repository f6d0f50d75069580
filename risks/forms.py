"""Forms for the register. Services check the rules again; these give clear messages."""

from django import forms

from esafety.forms import DateInput
from esafety.models import STAFF_ROLES, User
from esafety.roles import MANAGER_ROLES
from esafety.validators import CheckedFormMixin

from .models import Category, Setting


def staff_of(school, roles=STAFF_ROLES):
    """People with a staff role in force in the school, for owner pickers."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__in=school.memberships.active().filter(role__in=roles),
        )
        .distinct()
        .order_by("full_name")
    )


def people_of_trust(trust_id):
    """Who may own a trust-wide risk or its actions: the trust keeps it, so its trustees
    (a school's staff are never named to trustees)."""
    return (
        User.objects.filter(
            is_active=True,
            trusteeships__trust_id=trust_id,
            trusteeships__ended_on__isnull=True,
        )
        .distinct()
        .order_by("full_name")
    )


def people_for(risk):
    return people_of_trust(risk.trust_id) if risk.is_trust_wide else staff_of(risk.school)


def _score_choices(matrix):
    return [("", "Choose…")] + [(n, str(n)) for n in matrix.scale]


class ScoresMixin(CheckedFormMixin, forms.Form):
    inherent_likelihood = forms.TypedChoiceField(label="Likelihood before mitigation", coerce=int)
    inherent_impact = forms.TypedChoiceField(label="Impact before mitigation", coerce=int)
    inherent_reason = forms.CharField(
        label="Why, before mitigation (optional)",
        help_text="What makes it this likely and this harmful with nothing in place. "
        "Leave empty if the scores are the same before and after.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    likelihood = forms.TypedChoiceField(label="Likelihood now (after mitigation)", coerce=int)
    likelihood_reason = forms.CharField(
        label="Why this likelihood", widget=forms.Textarea(attrs={"rows": 3})
    )
    impact = forms.TypedChoiceField(label="Impact now (after mitigation)", coerce=int)
    impact_reason = forms.CharField(
        label="Why this impact", widget=forms.Textarea(attrs={"rows": 3})
    )

    def set_matrix(self, matrix):
        help_text = f"1 (lowest) to {matrix.size} (highest), on the {matrix.name} matrix."
        for name in ("inherent_likelihood", "inherent_impact", "likelihood", "impact"):
            self.fields[name].choices = _score_choices(matrix)
            self.fields[name].help_text = help_text


class RiskDetailsForm(CheckedFormMixin, forms.Form):
    submit_label = "Save the changes"
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(choices=Category.choices)
    applies_in = forms.MultipleChoiceField(
        label="Where it applies",
        choices=Setting.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    owners = forms.ModelMultipleChoiceField(
        label="Risk owners",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one owner."},
    )
    mitigation_technical = forms.CharField(
        label="Mitigation: technical", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    mitigation_education = forms.CharField(
        label="Mitigation: education", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, school=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = people if people is not None else staff_of(school)


class RiskForm(RiskDetailsForm, ScoresMixin):
    identified_on = forms.DateField(label="Date identified", widget=DateInput, required=False)
    submit_label = "Add the risk"

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_matrix(matrix)


class RescoreForm(ScoresMixin):
    note = forms.CharField(
        label="What changed", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    submit_label = "Save the new scores"

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_matrix(matrix)


class ReasonForm(CheckedFormMixin, forms.Form):
    submit_label = "Save"
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(ReasonForm):
    review_on = forms.DateField(label="Review date", widget=DateInput)
    submit_label = "Accept the risk"


class ReviewForm(CheckedFormMixin, forms.Form):
    note = forms.CharField(label="What the review found", widget=forms.Textarea(attrs={"rows": 3}))
    submit_label = "Record the review"


class ActionForm(CheckedFormMixin, forms.Form):
    text = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=User.objects.none())
    due_on = forms.DateField(label="Due date", widget=DateInput)
    submit_label = "Add the action"

    def __init__(self, *args, school=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people if people is not None else staff_of(school)


class DoneForm(CheckedFormMixin, forms.Form):
    done_on = forms.DateField(label="Done on", widget=DateInput, required=False)
    submit_label = "Mark as done"


class LinkIncidentForm(CheckedFormMixin, forms.Form):
    risk = forms.ModelChoiceField(label="Risk", queryset=None, empty_label="Choose a risk…")
    submit_label = "Link the incident"

    def __init__(self, *args, risks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = risks
        self.fields["risk"].label_from_instance = lambda r: (
            f"{r.reference} {r.title}" + (" (trust-wide)" if r.is_trust_wide else "")
        )


class SignOffForm(CheckedFormMixin, forms.Form):
    comment = forms.CharField(
        label="Comment (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    submit_label = "Sign off the register"


class MatrixForm(CheckedFormMixin, forms.Form):
    size = forms.TypedChoiceField(label="Matrix", choices=[(3, "3 x 3"), (5, "5 x 5")], coerce=int)
    bands = forms.CharField(
        label="Bands",
        help_text="Name and score range of each band, lowest first, e.g. "
        "LOW 1-4, MEDIUM 5-9, HIGH 10-16, VERY HIGH 17-25",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submit_label = "Use this matrix for new scores"


def managers_of(school):
    return staff_of(school, MANAGER_ROLES)
