from django import forms

from esafety.validators import CheckedFormMixin

from .models import GovernanceSettings, TermlyReport


class SettingsForm(CheckedFormMixin, forms.ModelForm):
    submit_label = "Save the setting"

    class Meta:
        model = GovernanceSettings
        fields = ["small_counts_under"]
        widgets = {"small_counts_under": forms.RadioSelect}


class NarrativeForm(CheckedFormMixin, forms.ModelForm):
    submit_label = "Save the draft"

    class Meta:
        model = TermlyReport
        fields = ["narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 10, "dir": "auto"})}

    def clean_narrative(self):
        text = self.cleaned_data["narrative"].strip()
        if len(text) > 8000:
            raise forms.ValidationError("Keep it under 8,000 characters: a page or two.")
        return text
