"""Forms of the leaver checklist: a hand-over to someone named, the other accounts closed."""

from django import forms

from esafety.forms import CrispyMixin
from esafety.models import User
from esafety.validators import CheckedFormMixin

from .forms import DateInput
from .models_leavers import OTHER_ACCOUNTS


class HandOverForm(CheckedFormMixin, forms.Form):
    source = forms.CharField(max_length=40, widget=forms.HiddenInput)
    item = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    to = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Hand over to",
        empty_label="Choose a member of staff",
    )

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = recipients


def _closed_on(label):
    return forms.DateField(
        label=f"{label}: closed on",
        required=False,
        widget=DateInput(),
        help_text="Leave empty until it is closed.",
    )


LABELS = dict(OTHER_ACCOUNTS)


class AccountsForm(CrispyMixin, forms.Form):
    submit_label = "Save the accounts"
    email_closed_on = _closed_on(LABELS["email_closed_on"])
    mis_closed_on = _closed_on(LABELS["mis_closed_on"])
    filtering_closed_on = _closed_on(LABELS["filtering_closed_on"])
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything to know: an account the school doesn't have, a shared mailbox "
        "kept open for a while, and why.",
    )
