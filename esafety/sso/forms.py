"""The chair's form for a provider, and the sign-in page's school-account box."""

from django import forms
from django.core.exceptions import ValidationError

from esafety.forms import CrispyMixin
from esafety.models import SignInProvider
from esafety.validators import CheckedFormMixin

from .services import check_tenant, parse_domains


class SchoolAccountForm(CheckedFormMixin, forms.Form):
    email = forms.EmailField(
        label="Your school email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )


class TrustSignInForm(CrispyMixin, forms.Form):
    tenant = forms.CharField(max_length=100)
    domains = forms.CharField(
        label="Email domains that sign in with it",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, such as oakfield.sch.uk. A person whose address ends in "
        "one of these is sent to this provider from the sign-in page.",
    )
    client_id = forms.CharField(label="Application (client) ID", max_length=200, required=False)
    secret = forms.CharField(
        label="Client secret",
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    provider_enforces_mfa = forms.BooleanField(
        label="The provider makes everyone use a second factor", required=False
    )
    enabled = forms.BooleanField(label="People may sign in with it", required=False)

    def __init__(self, *args, provider: str, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.existing = existing
        microsoft = provider == SignInProvider.MICROSOFT
        tenant = self.fields["tenant"]
        tenant.label = "Directory (tenant) ID" if microsoft else "Google Workspace domain"
        tenant.help_text = (
            "From Microsoft Entra admin centre, Overview. Never “common”: only this "
            "directory's accounts are accepted."
            if microsoft
            else "The domain of your Workspace, such as oakfield.sch.uk. Only its accounts "
            "are accepted."
        )
        self.fields["provider_enforces_mfa"].help_text = (
            "Tick only if a Conditional Access policy makes every account use multi-factor "
            "sign-in for this app. Then signing in through Microsoft counts as two-factor "
            "sign-in here; otherwise people also give a code from their authenticator app."
            if microsoft
            else "Tick only if 2-Step Verification is enforced for every account in the "
            "Workspace. Then signing in through Google counts as two-factor sign-in here; "
            "otherwise people also give a code from their authenticator app."
        )
        keep = "Leave blank to keep the one stored."
        if existing is not None:
            self.fields["client_id"].help_text = keep
            self.fields["secret"].help_text = f"{keep} Stored encrypted; it is never shown again."
        else:
            self.fields["client_id"].required = True
            self.fields["secret"].required = True
            self.fields["secret"].help_text = "Stored encrypted; it is never shown again."
            self.fields["enabled"].initial = True

    def clean_tenant(self):
        return check_tenant(self.provider, self.cleaned_data["tenant"])

    def clean_domains(self):
        try:
            return parse_domains(self.cleaned_data["domains"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None
