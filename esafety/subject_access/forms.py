"""The register's forms. The rules behind them are in services.py."""

from django import forms
from django.utils import timezone

from ..forms import CrispyMixin, DateInput, SentOnceMixin
from ..models import User
from ..models_subject_access import ReceivedHow, RequesterKind, SarStatus
from ..widgets import quick_selects
from .deadlines import MAX_EXTENSION_MONTHS


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email or f"Person {obj.pk}"


class RequestForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Add to the register"

    requester_kind = forms.ChoiceField(
        label="Who asked", choices=RequesterKind.choices, widget=forms.RadioSelect
    )
    subject = PersonChoiceField(
        queryset=None,
        label="Who the request is about",
        help_text="Everyone who is or was at the school. For a parent's request, their child.",
    )
    requester_name = forms.CharField(label="Name of the person who asked", max_length=150)
    requester_contact = forms.CharField(
        label="How to reach them", max_length=300, help_text="An email or postal address."
    )
    parent_authority = forms.CharField(
        label="For a parent's request: why the parent may ask for the child",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "A child's information is the child's own. From about 12 a child can usually "
            "decide for themselves: record whether they agreed, or why the parent may act."
        ),
    )
    received_on = forms.DateField(
        label="Date it came",
        widget=DateInput,
        help_text="The month starts from this day, even if it was a weekend or a holiday.",
    )
    received_how = forms.ChoiceField(
        label="How it came", choices=ReceivedHow.choices, widget=forms.RadioSelect
    )
    asked_for = forms.CharField(
        label="What they asked for",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In their words, if you can. They need not say 'subject access'.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = people.order_by("full_name", "pk")
        self.fields["received_on"].initial = timezone.localdate()
        quick_selects(self)


class HandlerChoiceField(PersonChoiceField):
    current_pk = None

    def label_from_instance(self, obj):
        label = super().label_from_instance(obj)
        return f"{label} (handles it now)" if obj.pk == self.current_pk else label


class HandlerForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Hand it over"

    handled_by = HandlerChoiceField(
        queryset=None,
        label="Who handles it from now on",
        widget=forms.RadioSelect,
        help_text="The headteacher or an e-safety officer of the school. They are told, and "
        "the reminders of its deadline go to them.",
    )

    def __init__(self, *args, leads, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["handled_by"]
        field.queryset = User.objects.filter(pk__in=[p.pk for p in leads]).order_by(
            "full_name", "pk"
        )
        # The one handling it now stays a choice, so a second click of the same choice
        # is told it was done (not that the choice is invalid).
        field.current_pk = getattr(current, "pk", None)


class IdentityForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Record the identity check"

    how = forms.CharField(
        label="How you checked who they are",
        max_length=300,
        help_text=(
            "For example: known to the office and asked in person; passport seen; replied "
            "from the email address the school holds."
        ),
    )
    identity_received_on = forms.DateField(
        label="If you had to ask for proof: the date it arrived",
        required=False,
        widget=DateInput,
        help_text="The month then runs from that day. Leave blank if you did not need to ask.",
    )


class ExtendForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Extend the deadline"

    months = forms.TypedChoiceField(
        label="Extend by",
        coerce=int,
        choices=[
            (n, f"{n} month{'s' if n > 1 else ''}") for n in range(1, MAX_EXTENSION_MONTHS + 1)
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why it needs longer",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Only for a complex request, or several from the same person. Tell the "
            "requester, with this reason, within the first month."
        ),
    )


class SentForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Mark as sent"

    sent_on = forms.DateField(label="Date sent", widget=DateInput)
    how = forms.CharField(
        label="How it was sent",
        max_length=200,
        help_text="For example: secure email, recorded delivery, collected in person.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()


class CloseForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Close the request"

    status = forms.ChoiceField(
        label="What happened",
        choices=[
            (SarStatus.WITHDRAWN.value, "The requester withdrew it"),
            (SarStatus.REFUSED.value, "Refused (manifestly unfounded or excessive)"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "A refusal must be explained to the requester, with their right to complain "
            "to the ICO and to go to court."
        ),
    )


class WithheldSummaryForm(CrispyMixin, forms.Form):
    withheld_summary = forms.CharField(
        label="What was withheld or redacted, and why (for the register)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: other pupils' names redacted from two incident reports.",
    )
