import calendar
import datetime
from datetime import timedelta
from types import SimpleNamespace

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from .models import (
    YEAR_GROUP_CHOICES,
    Membership,
    Role,
    School,
    StaffType,
    User,
)
from .uploads import check_upload
from .validators import CheckedFormMixin, check_fields, validate_urn
from .workdays import closed_reason


def add_errors(form, error) -> None:
    """Show a service's ValidationError on the form: field errors by field, others on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class CrispyMixin(CheckedFormMixin):
    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class SentOnceMixin:
    """Put before the form's base. A form that makes a record carries its one-time token
    (esafety/once.py) as a hidden field: the view passes `once=once_token(request)` and
    wraps the save in `first_time`."""

    def __init__(self, *args, once: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from .once import FIELD

        self.fields[FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=once, max_length=64
        )


class DateInput(forms.DateInput):
    """A date picker. Its value must be ISO (2026-11-30): a British 30/11/2026, Django's
    default here, leaves the browser's box empty, losing today's date or the one typed."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class SignInForm(CheckedFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autofocus": True})
    )
    error_messages = {
        "invalid_login": "That email address and password don't match. Check them and try again.",
        "inactive": "This account has been closed. Ask the school office for help.",
    }

    def clean_username(self):
        # One spelling per account, so changing the case can't buy more tries from django-axes.
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            # django-axes reads the login from credentials[USERNAME_FIELD] ("email"); without
            # it every failure is recorded with no username and the lock-out never applies.
            self.user_cache = authenticate(
                self.request, username=username, email=username, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        from .roles import has_left

        if has_left(user):  # from the day after their last role ended
            raise forms.ValidationError(
                "Your roles here have ended, so this account no longer signs in. If you "
                "have come back, ask the school office.",
                code="left",
            )


class RoleFieldsMixin(CheckedFormMixin, forms.Form):
    # No default: giving someone a role (perhaps headteacher) must be a deliberate choice.
    role = forms.ChoiceField(choices=[("", "Choose a role"), *Role.choices])
    staff_type = forms.ChoiceField(
        choices=[("", "—"), *list(StaffType.choices)],
        required=False,
        help_text="For staff only.",
    )
    year_group = forms.TypedChoiceField(
        choices=[("", "—"), *YEAR_GROUP_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="For pupils only.",
    )
    class_name = forms.CharField(label="Class or form", max_length=40, required=False)
    external_id = forms.CharField(
        label="MIS reference",
        max_length=64,
        required=False,
        help_text="UPN or staff code.",
    )
    started_on = forms.DateField(widget=DateInput, initial=timezone.localdate)

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.STAFF and not data.get("staff_type"):
            self.add_error("staff_type", "Choose what kind of staff member this is.")
        if data.get("role") == Role.PUPIL and data.get("year_group") is None:
            self.add_error("year_group", "Choose the pupil's year group.")
        return data


class PersonForm(CrispyMixin, SentOnceMixin, RoleFieldsMixin):
    submit_label = "Add person"
    field_order = [
        "full_name",
        "email",
        "date_of_birth",
        "role",
        "staff_type",
        "year_group",
    ]

    full_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        required=False,
        help_text="Needed to sign in. Young pupils without a school email can be left blank.",
    )
    date_of_birth = forms.DateField(widget=DateInput, required=False)
    send_invitation = forms.BooleanField(
        required=False, initial=True, label="Email an invitation to set a password"
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "Someone already has this email address. Find them in the list and add a role."
            )
        return email or None

    def clean(self):
        data = super().clean()
        if data.get("role") != Role.PUPIL and not data.get("email"):
            self.add_error("email", "Adults need an email address to sign in.")
        if data.get("send_invitation") and not data.get("email"):
            data["send_invitation"] = False
        return data


class MembershipForm(CrispyMixin, RoleFieldsMixin):
    submit_label = "Give role"


class EndMembershipForm(CrispyMixin, forms.Form):
    """A pupil's form also asks where they are going: their child protection file
    follows them there (incidents/transfers.py, through `people_left`)."""

    submit_label = "End role"
    ended_on = forms.DateField(
        label="Last day plus one (the role stops on this date)",
        widget=DateInput,
        initial=timezone.localdate,
    )

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        if membership is None or membership.role != Role.PUPIL:
            return
        self.fields["destination_school"] = forms.ModelChoiceField(
            queryset=School.objects.filter(trust_id=membership.school.trust_id).exclude(
                pk=membership.school_id
            ),
            required=False,
            label="Moving to a school of our trust",
        )
        self.fields["destination"] = forms.CharField(
            label="Or the new school's name",
            max_length=200,
            required=False,
            help_text="Leave both empty if you don't know yet.",
        )
        # The shared checks for the two fields added here (the others have theirs).
        added = ("destination_school", "destination")
        check_fields(SimpleNamespace(fields={name: self.fields[name] for name in added}))

    def clean(self):
        data = super().clean()
        school = data.pop("destination_school", None)
        data["destination"] = school.name if school else data.get("destination", "").strip()
        return data


class HolidayForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Add holiday"
    # Tells the closure-days page which of its two forms was sent.
    kind = forms.CharField(widget=forms.HiddenInput, initial="holiday", required=False)
    name = forms.CharField(max_length=60, help_text="e.g. Autumn half term, Summer holiday")
    starts_on = forms.DateField(label="First day of the holiday", widget=DateInput)
    ends_on = forms.DateField(label="Last day of the holiday", widget=DateInput)


class ParentLinkForm(CrispyMixin, forms.Form):
    submit_label = "Link child"

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        pupils = User.objects.filter(
            memberships__in=Membership.objects.active().filter(school=school, role=Role.PUPIL)
        ).distinct()
        self.fields["child"] = forms.ModelChoiceField(queryset=pupils, label="Child")
        self.fields["relationship"] = forms.CharField(
            max_length=40, required=False, help_text="e.g. mother, father, carer"
        )
        self.order_fields(["child", "relationship"])
        check_fields(self)  # the fields are made here, after the mixin checked the class's


class EndParentLinkForm(CrispyMixin, forms.Form):
    submit_label = "End the link"
    reason = forms.CharField(
        label="Why the link ends",
        max_length=200,
        help_text="For example: a court order; no longer caring for the child; linked by "
        "mistake. Kept with the record.",
    )


class TrustLeadForm(CrispyMixin, SentOnceMixin, forms.Form):
    submit_label = "Appoint"
    email = forms.EmailField(
        label="Their email address",
        help_text="Someone known at the trust's schools, or a new person.",
    )
    full_name = forms.CharField(
        label="Full name (for a new person only)", max_length=150, required=False
    )

    def __init__(self, *args, trusts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trust"] = forms.ModelChoiceField(
            queryset=trusts, empty_label=None, label="Trust"
        )
        if len(trusts) == 1:
            self.fields["trust"].widget = forms.HiddenInput()
            self.fields["trust"].initial = trusts[0].pk
        self.order_fields(["trust", "email", "full_name"])


class EndTrustLeadForm(CrispyMixin, forms.Form):
    submit_label = "End the appointment"
    reason = forms.CharField(
        label="Why (optional)", max_length=200, required=False, help_text="Kept in the history."
    )


class ParentFromTrustForm(CrispyMixin, forms.Form):
    submit_label = "Link parent or carer"
    email = forms.EmailField(
        label="The parent's email address",
        help_text="As the other school of the trust holds it.",
    )
    relationship = forms.CharField(
        max_length=40, required=False, help_text="e.g. mother, father, carer"
    )


MONTHS = [(n, calendar.month_name[n]) for n in range(1, 13)]


class SchoolSettingsForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "name",
            "urn",
            "school_day_ends",
            "academic_year_start_month",
            "academic_year_start_day",
            "contact_line",
        ]
        widgets = {
            "school_day_ends": forms.TimeInput(attrs={"type": "time"}),
            "academic_year_start_month": forms.Select(choices=MONTHS),
        }
        help_texts = {
            "school_day_ends": "Incidents not acknowledged by this time are escalated.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["urn"].validators.append(validate_urn)
        self.fields["academic_year_start_day"].widget.attrs.update(min=1, max=31)

    def clean(self):
        data = super().clean()
        month = data.get("academic_year_start_month")
        day = data.get("academic_year_start_day")
        if month is not None and not 1 <= month <= 12:
            self.add_error("academic_year_start_month", "Choose a month from the list.")
        elif month is not None and day is not None:
            try:
                # A year that is not a leap year: the start must exist every year.
                datetime.date(2025, month, day)
            except (ValueError, OverflowError):
                self.add_error(
                    "academic_year_start_day",
                    f"{calendar.month_name[month]} has no day {day} every year. Choose a "
                    "day from 1 to "
                    f"{calendar.monthrange(2025, month)[1]}.",
                )
        return data


class ReminderPreferenceForm(CrispyMixin, forms.ModelForm):
    submit_label = "Save"

    class Meta:
        model = User
        fields = ["reminders_by_email"]
        help_texts = {"reminders_by_email": "Untick to see reminders only when you sign in here."}


class SetPasswordForm(CrispyMixin, forms.Form):
    submit_label = "Set password"
    password1 = forms.CharField(
        label="New password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few random words make a strong, memorable one.",
    )
    password2 = forms.CharField(
        label="New password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords don't match.")
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class TokenForm(CrispyMixin, forms.Form):
    submit_label = "Verify"
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )

    def __init__(self, *args, setting_up=False, **kwargs):
        super().__init__(*args, **kwargs)
        if setting_up:
            self.fields["token"].help_text = "The 6-digit code your authenticator app shows now."


class PeopleImportForm(CrispyMixin, forms.Form):
    submit_label = "Check and import"
    file = forms.FileField(label="CSV file", help_text="Use the template's columns. Up to 10 MB.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed=(".csv", ".txt"))
        return upload


class ClosureDayForm(CrispyMixin, SentOnceMixin, forms.Form):
    """A day the school is closed besides weekends and bank holidays."""

    submit_label = "Add closure day"
    date = forms.DateField(widget=DateInput, label="Date the school is closed")
    reason = forms.CharField(
        max_length=100, required=False, label="Reason", help_text="For example: INSET day."
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_date(self):
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if not today - timedelta(days=366) <= day <= today + timedelta(days=2 * 366):
            raise forms.ValidationError("Give a date within a year ago and two years ahead.")
        if reason := closed_reason(None, day):
            raise forms.ValidationError(
                f"{day:%a %-d %b %Y} is a {reason.split(' (')[0]}: deadlines skip it already."
            )
        return day
