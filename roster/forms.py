"""The MIS sync's forms: its settings, and a bundle to upload."""

import ipaddress
from urllib.parse import urlsplit

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db import models

from esafety.forms import CrispyMixin

from .models import AuthMethod, Kind, RosterSource
from .rest import resolves_privately

MB = 1024 * 1024
MAX_BUNDLE_BYTES = 20 * MB


def check_mis_address(value: str) -> None:
    """An MIS address the server may call: https, and not this server's own network (a
    form must not become a way to read internal services). The host is looked up too; a
    sync checks it again before every request, as its addresses can change."""
    if not value:
        return
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        raise forms.ValidationError("Use an https:// address, as your MIS supplier gives it.")
    if host == "localhost" or host.endswith((".localhost", ".internal", ".local")):
        raise forms.ValidationError("Give the MIS's address on the internet.")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if (address is not None and not address.is_global) or resolves_privately(host):
        raise forms.ValidationError("Give the MIS's address on the internet.")


def _form_field(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SourceForm(CrispyMixin, forms.ModelForm):
    submit_label = "Save settings"
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored encrypted and never shown again. Leave blank to keep the one saved.",
    )

    class Meta:
        model = RosterSource
        formfield_callback = _form_field
        fields = [
            "kind",
            "version",
            "base_url",
            "token_url",
            "auth_method",
            "client_id",
            "scope",
            "org_sourced_id",
            "match_on",
            "grades",
            "max_leavers_percent",
            "nightly",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "match_on": forms.RadioSelect,
            "grades": forms.RadioSelect,
        }
        labels = {"kind": "Source"}
        help_texts = {
            "version": "The OneRoster version your MIS sends. A bundle says which it is itself.",
            "base_url": "REST only. The full address your MIS supplier gives, for example "
            "https://mis.example/ims/oneroster/rostering/v1p2",
            "token_url": "REST with OAuth 2 only: where the product signs in for a token.",
            "client_id": "REST only. From your MIS supplier.",
            "scope": "Leave blank for the OneRoster read-only roster scope.",
            "org_sourced_id": "Only if your MIS data holds several schools: this school's "
            "sourcedId in it. Leave blank otherwise.",
            "match_on": "How the sync knows someone it has seen before. Choose the admission "
            "number or staff code if you imported people from a CSV file with those "
            "references before.",
            "grades": "Check the first sync's preview: if every pupil is a year too young, "
            "your MIS sends US grades.",
            "max_leavers_percent": "A safeguard against a wrong export, checked for pupils, "
            "staff and parents separately: if more than this share of any one of them would "
            "leave in one sync (and more than 3 people of it), the sync stops and asks you "
            "first.",
            "nightly": "REST only: sync at about 2:15 each night.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices  # no blank radio button
        self.fields["kind"].initial = self.instance.kind or Kind.BUNDLE
        self.fields["client_secret"].widget.attrs["maxlength"] = 500
        self.helper.layout = Layout(
            Fieldset("Where the roster comes from", "kind", "version"),
            Fieldset(
                "REST connection (only if you connect to your MIS)",
                "base_url",
                "auth_method",
                "token_url",
                "client_id",
                "client_secret",
                "scope",
                "nightly",
            ),
            Fieldset("Who is synced", "org_sourced_id", "match_on", "grades"),
            Fieldset("Safeguard", "max_leavers_percent"),
        )

    def clean_base_url(self):
        value = self.cleaned_data.get("base_url", "")
        check_mis_address(value)
        return value

    def clean_token_url(self):
        value = self.cleaned_data.get("token_url", "")
        check_mis_address(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") != Kind.REST:
            return data
        if not data.get("base_url") and "base_url" not in self.errors:
            self.add_error("base_url", "Give the REST address to sync from.")
        if not data.get("client_id"):
            self.add_error("client_id", "Give the client ID your MIS supplier issued.")
        has_secret = bool(self.instance.pk and self.instance.client_secret_encrypted)
        if not data.get("client_secret") and not has_secret:
            self.add_error("client_secret", "Give the client secret your MIS supplier issued.")
        needs_token = data.get("auth_method") == AuthMethod.OAUTH2
        if needs_token and not data.get("token_url") and "token_url" not in self.errors:
            self.add_error("token_url", "Give the sign-in (token) address for OAuth 2.")
        return data


class BundleForm(CrispyMixin, forms.Form):
    submit_label = "Upload and check"
    bundle = forms.FileField(
        label="OneRoster CSV bundle (.zip)",
        help_text="The zip file your MIS exports, not unzipped. Up to 20 MB.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"].widget.attrs["accept"] = ".zip,application/zip"

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        name = (upload.name or "").lower()
        if not name.endswith(".zip"):
            raise forms.ValidationError(
                "Choose the .zip file your MIS exported (a OneRoster CSV bundle)."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty. Export the bundle again.")
        if upload.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB.")
        return upload
