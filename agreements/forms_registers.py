"""The registers' filters: drop-down lists read from the query string."""

from django import forms

from esafety.validators import CheckedFormMixin

from . import registers
from .models import Channel


class SelectFilter(CheckedFormMixin, forms.Form):
    """A GET filter whose fields are all drop-down lists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class RegisterFilter(SelectFilter):
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everyone"), *registers.STATUS_LABELS.items()],
    )
    group = forms.ChoiceField(label="Class or role", required=False)

    def __init__(self, data, groups):
        super().__init__(data)
        self.fields["group"].choices = [("", "All")] + [(g, g) for g in groups]


class ConsentFilter(SelectFilter):
    class_name = forms.ChoiceField(label="Class", required=False)
    channel = forms.ChoiceField(
        label="May appear on",
        required=False,
        choices=[("", "Show every answer"), *Channel.choices],
    )

    def __init__(self, data, classes):
        super().__init__(data)
        self.fields["class_name"].choices = [("", "Whole school")] + [(c, c) for c in classes]


class InternetFilter(SelectFilter):
    access = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Everyone who must sign"),
            ("yes", "Signed: may have internet access"),
            ("no", "Not signed: no internet access yet"),
        ],
    )

    def keep(self, status: str) -> bool:
        access = self.cleaned_data["access"] if self.is_valid() else ""
        has_access = status == registers.SIGNED
        return not access or has_access == (access == "yes")
