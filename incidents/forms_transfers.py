"""The forms of a child's file to the next school. The rules are in transfers.py."""

import datetime

from django import forms
from django.utils import timezone

from esafety.forms import CrispyMixin, DateInput, SentOnceMixin
from esafety.uploads import MB, check_upload
from esafety.validators import CheckedFormMixin

from .models_transfers import SentHow

RECEIPT_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".eml", ".txt", ".docx")


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or f"Pupil {obj.pk}"


class StartForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Start the transfer"

    pupil = PupilChoiceField(queryset=None, label="Pupil")
    last_day = forms.DateField(label="Their last day at this school", widget=DateInput)
    destination_school = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Moving to a school of our trust",
        help_text="The file is then sent here, and that school confirms receipt here.",
    )
    destination_name = forms.CharField(
        label="Or the new school's name",
        max_length=200,
        required=False,
        help_text="A school outside the trust: you send the file securely and record it.",
    )

    def __init__(self, *args, pupils, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["destination_school"].queryset = schools
        self.fields["last_day"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        school, name = data.get("destination_school"), data.get("destination_name", "").strip()
        if not school and not name:
            self.add_error("destination_name", "Say which school the pupil is moving to.")
        if school:
            data["destination_name"] = school.name
        if data.get("last_day") and data["last_day"] > timezone.localdate() + datetime.timedelta(
            days=366
        ):
            self.add_error("last_day", "That is more than a year away.")
        return data


class NotNeededForm(CrispyMixin, forms.Form):
    submit_label = "Record that there is nothing to send"
    reason = forms.CharField(
        label="Why there is nothing to send",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the incidents were minor and closed, with no safeguarding concern.",
    )


class DecisionForm(CheckedFormMixin, forms.Form):
    """One flagged name: replace it in the file, or keep it with a reason."""

    redact = forms.TypedChoiceField(
        choices=(("yes", "Replace it in the file"), ("no", "Keep it")),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Decision",
    )
    replace_with = forms.CharField(max_length=40, required=False, label="Write instead")
    keep_reason = forms.CharField(max_length=300, required=False, label="Why it stays")


class SendForm(CrispyMixin, forms.Form):
    submit_label = "Record it as sent"
    how = forms.ChoiceField(label="How it was sent", widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note (optional)",
        max_length=300,
        required=False,
        help_text="For example the recipient's name, or the courier's reference.",
    )

    def __init__(self, *args, in_trust: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if in_trust:
            self.fields["how"].choices = [(SentHow.IN_PRODUCT, SentHow.IN_PRODUCT.label)]
            self.fields["how"].initial = SentHow.IN_PRODUCT
            self.submit_label = "Send the file"
            self.helper.inputs[0].value = self.submit_label
        else:
            self.fields["how"].choices = [c for c in SentHow.choices if c[0] != SentHow.IN_PRODUCT]


class ReceiptForm(CrispyMixin, forms.Form):
    submit_label = "Record the receipt"
    received_on = forms.DateField(label="Receipt confirmed on", widget=DateInput)
    note = forms.CharField(
        label="Who confirmed it, and how",
        max_length=300,
        help_text="For example: the DSL, Ms Example, by reply email.",
    )
    receipt = forms.FileField(
        label="The receipt (optional)",
        required=False,
        help_text="A PDF, picture, saved email or Word document, up to 10 MB.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_receipt(self):
        upload = self.cleaned_data.get("receipt")
        if upload:
            check_upload(upload, allowed=RECEIPT_TYPES, max_bytes=10 * MB)
        return upload
