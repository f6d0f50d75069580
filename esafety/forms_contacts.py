"""The form for one entry of a school's or a trust's local contacts."""

from django import forms

from .contacts import EDITABLE_KINDS, UNREACHABLE
from .forms import CrispyMixin, SentOnceMixin
from .models_contacts import ContactKind, LocalContact

FIELDS = ["kind", "name", "phone", "email", "website", "hours", "notes", "order"]


class LocalContactForm(CrispyMixin, forms.ModelForm):
    """Change an entry. Its kind stays (a school's LADO stays its LADO) unless it is one
    of its own "other" entries."""

    submit_label = "Save"
    # A secure address is the one to assume when someone types "council.gov.uk".
    website = forms.URLField(
        label="Website or online form",
        assume_scheme="https",
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
        help_text="The secure address, starting https://. For example the council's page "
        "for reporting a concern.",
    )

    class Meta:
        model = LocalContact
        fields = FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "phone": "A UK number, such as 01632 960123; an extension may follow (ext 214).",
            "email": "A team's address rather than a person's, where there is one.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = EDITABLE_KINDS
        if self.instance.pk and self.instance.kind != ContactKind.OTHER:
            self.fields["kind"].disabled = True

    def clean(self):
        cleaned = super().clean()
        typed = ("phone", "email", "website")
        if not any(cleaned.get(f) for f in typed) and not any(map(self.has_error, typed)):
            self.add_error("phone", UNREACHABLE)
        return cleaned


class NewLocalContactForm(SentOnceMixin, LocalContactForm):
    """A new entry: sent twice (a double click) it is added once."""

    submit_label = "Add"
