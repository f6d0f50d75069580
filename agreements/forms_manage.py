"""Forms for managing documents, their versions and policy reviews."""

from django import forms

from esafety.models import KEY_STAGE_BY_YEAR, Role, StaffType
from esafety.validators import CheckedFormMixin

from .models import Document, Kind, Version

AUDIENCE_ROLES = [*Role.choices, ("trustee", "Trustees")]
KEY_STAGES = [(stage, stage) for stage in dict.fromkeys(KEY_STAGE_BY_YEAR.values())]


class DocumentForm(CheckedFormMixin, forms.ModelForm):
    audience_roles = forms.MultipleChoiceField(
        label="Who must sign",
        choices=AUDIENCE_ROLES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one group who must sign."},
    )
    audience_staff_types = forms.MultipleChoiceField(
        label="Only these kinds of staff (leave empty for all staff)",
        choices=StaffType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    audience_key_stages = forms.MultipleChoiceField(
        label="Only pupils in these key stages (leave empty for all pupils)",
        choices=KEY_STAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Document
        fields = [
            "kind",
            "title",
            "audience_roles",
            "audience_staff_types",
            "audience_key_stages",
            "parents_sign_for_each_child",
            "sign_on_induction",
            "renew_every_year",
            "asks_consent",
            "grants_internet_access",
            "reminder_limit",
        ]
        labels = {
            "parents_sign_for_each_child": "Parents sign for each of their children",
            "sign_on_induction": "New people sign when they join",
            "renew_every_year": "Everyone signs again each school year",
            "asks_consent": "Asks parents for consent (internet, photos and videos)",
            "grants_internet_access": "Signing gives internet access",
            "reminder_limit": "Weekly reminders before the e-safety officer is told",
        }

    submit_label = "Save the document"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["kind"]
        else:
            self.fields["kind"].initial = Kind.OTHER

    def clean_reminder_limit(self):
        limit = self.cleaned_data["reminder_limit"]
        if limit > 12:
            raise forms.ValidationError("At most 12 weekly reminders (one school term).")
        return limit

    def clean(self):
        cleaned = super().clean()
        roles = cleaned.get("audience_roles") or []
        if cleaned.get("parents_sign_for_each_child") and Role.PARENT not in roles:
            self.add_error(
                "parents_sign_for_each_child", "Tick “Parent or carer” under who must sign."
            )
        if cleaned.get("asks_consent") and not cleaned.get("parents_sign_for_each_child"):
            self.add_error("asks_consent", "Consent is given by parents for each child.")
        return cleaned


class VersionForm(CheckedFormMixin, forms.ModelForm):
    class Meta:
        model = Version
        fields = ["text", "change_summary", "effective_date"]
        labels = {
            "text": "Text",
            "effective_date": "Effective from (leave empty: as soon as it is approved)",
        }
        help_texts = {
            "text": "Markdown: # for a heading, - for a list item, **bold**. "
            "Once published, the text can never change."
        }
        error_messages = {"text": {"required": "Write the text people will sign."}}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 18}),
            "change_summary": forms.Textarea(attrs={"rows": 3}),
            "effective_date": forms.DateInput(attrs={"type": "date"}),
        }

    submit_label = "Save the draft"
    long_documents = ("text",)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("Write the text people will sign.")
        return text


class ReviewForm(CheckedFormMixin, forms.Form):
    long_documents = ("text",)
    what_changed = forms.CharField(
        label="What changed and why",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what changed and why (or why nothing did)."},
    )
    text = forms.CharField(
        label="The reviewed policy text",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Starts as the current policy: change what the review decided.",
        error_messages={"required": "The policy text can't be empty."},
    )
    submit_label = "Record the review"
