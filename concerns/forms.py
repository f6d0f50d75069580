"""The forms of the low-level concerns log: raising one, the headteacher's response,
and referring one as an allegation."""

from django import forms
from django.utils import timezone

from esafety.forms import CrispyMixin, DateInput, SentOnceMixin
from esafety.models import STAFF_ROLES, Membership, User
from esafety.validators import CheckedFormMixin

from .models import Response


def staff_of(school):
    """The adults working at the school today, by name: whom a concern can be about."""
    working = Membership.objects.active().filter(school=school, role__in=STAFF_ROLES)
    return User.objects.filter(pk__in=working.values("user_id"), is_active=True).order_by(
        "full_name", "pk"
    )


class ConcernForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Send it to the headteacher in confidence"
    about = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Who is it about?",
        empty_label="Choose a member of staff",
        help_text="Anyone who works at the school, volunteers included. To tell us about "
        "something you did yourself, choose your own name.",
    )
    happened_on = forms.DateField(
        label="When did it happen?", required=False, widget=DateInput(), help_text="If you know."
    )
    what_happened = forms.CharField(
        label="What happened, or what did you see or hear?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Write down the facts as you saw them, in your own words. You don't need "
        "to be sure it matters: that is for the headteacher to judge.",
    )
    context = forms.CharField(
        label="Where was it, and who else was there?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].queryset = staff_of(school)

    def clean_happened_on(self):
        day = self.cleaned_data.get("happened_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError("That date is in the future. When did it happen?")
        return day


RESPONSE_CHOICES = [(value, label) for value, label in Response.choices if value != "referred"]


class ResponseForm(CheckedFormMixin, forms.Form):
    response = forms.ChoiceField(
        label="What did you decide?", choices=RESPONSE_CHOICES, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label="What was done and why",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="KCSIE asks for the reasons for a decision to be recorded.",
    )


class ReferForm(CheckedFormMixin, forms.Form):
    notes = forms.CharField(
        label="Why it meets the harm threshold",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This starts an allegation about the person in the incident log, with "
        "their earlier concerns in its account; a LADO referral is due within one working day.",
    )
