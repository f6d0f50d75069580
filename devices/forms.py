"""Forms for the devices pages. Rules live in the services; these parse and label."""

from django import forms
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from esafety.forms import CrispyMixin
from esafety.forms import DateInput as BaseDateInput
from esafety.models import STAFF_ROLES, Membership, Role, User
from esafety.params import id_or_404, parse_ids
from esafety.uploads import check_upload
from esafety.validators import CheckedFormMixin
from incidents.people import PersonField, search_people

from .models import (
    Breach,
    Condition,
    Device,
    IcoDecision,
    Loan,
    LossKind,
    Method,
    PeopleTold,
    Software,
    Status,
)
from .services import DOCUMENT_TYPES

YES_NO = [("yes", "Yes"), ("no", "No")]


class DateInput(BaseDateInput):
    """A date picker that shows its initial value (it needs ISO dates, whatever the locale)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def now_local():
    return timezone.localtime().replace(second=0, microsecond=0)


def people_of(school, roles):
    memberships = Membership.objects.active().filter(school=school, role__in=roles)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name")


# Who each people picker on the devices pages finds: its roles and the rule that lets a
# person search them (the same rule as the page the picker is on).
PICKERS = {
    "borrower": (STAFF_ROLES | {Role.PUPIL}, "devices.manage"),
    "pupil": (frozenset({Role.PUPIL}), "devices.confiscate"),
    "witness": (STAFF_ROLES, "devices.search"),
}


def person_picker(form, name, school, who):
    """The product's people picker (search as you type; without JavaScript, the typed name
    is looked up when the form is sent) on `name`, among this school's people with the
    picker's roles. Someone else, or a pupil of another school, is a form error."""
    roles, _ = PICKERS[who]
    field = form.fields[name]
    field.queryset = people_of(school, roles)
    field.search = lambda text: search_people(school, text, roles=roles)
    field.widget.search_url = f"{reverse('devices-people-search', args=[school.slug])}?who={who}"


class PickerMixin:
    uses_picker = True  # the page loads the picker's script


def yes_no_field(label, **kwargs):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": f"Answer yes or no: {label.lower()}"},
        **kwargs,
    )


class DeviceForm(CrispyMixin, forms.ModelForm):
    submit_label = "Save device"

    class Meta:
        model = Device
        fields = [
            "asset_tag",
            "kind",
            "make_model",
            "serial",
            "ownership",
            "status",
            "location",
            "assigned_to",
            "assigned_room",
            "holds_personal_data",
            "encryption",
            "encryption_method",
            "antivirus_product",
            "antivirus_updated_on",
            "os_name",
            "os_version",
            "os_checked_on",
            "scanned_on",
            "managed",
            "pin_known",
            "filtered_off_site",
            "purchased_on",
            "notes",
        ]
        widgets = {
            "antivirus_updated_on": DateInput,
            "os_checked_on": DateInput,
            "scanned_on": DateInput,
            "purchased_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "pin_known": "School-owned phones and tablets: the network manager knows the PIN.",
            "filtered_off_site": "Internet filtering also applies away from school.",
            "encryption": "A password alone is not encryption.",
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = people_of(school, STAFF_ROLES | {Role.PUPIL})
        # Loans, losses and disposals change these statuses through their own pages.
        editable = [Status.IN_USE, Status.IN_STORE]
        if self.instance.pk and self.instance.status not in editable:
            self.fields["status"].disabled = True
        else:
            self.fields["status"].choices = [c for c in Status.choices if c[0] in editable]


class DeviceIdsField(forms.Field):
    """Ticked device ids, as numbers; the service checks they are this school's devices in
    service (one query for thousands, where a model choice field builds every object)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = parse_ids([str(item).strip() for item in values])
        if ids is None:
            raise forms.ValidationError("Choose devices from the list.")
        return ids


class CheckForm(CheckedFormMixin, forms.Form):
    everything = forms.BooleanField(
        required=False, label="I checked every device in service listed below"
    )
    devices = DeviceIdsField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean(self):
        data = super().clean()
        if data.get("everything"):
            in_service = Device.objects.filter(school=self.school).in_service()
            data["devices"] = list(in_service.values_list("pk", flat=True))
        if not data.get("devices") and "devices" not in self.errors:
            self.add_error("devices", "Tick the devices you checked, or tick every device.")
        return data


class SettingsForm(CrispyMixin, forms.Form):
    submit_label = "Save settings"
    os_check_days = forms.IntegerField(
        label="Days allowed between operating-system update checks", min_value=1, max_value=365
    )


class ImportForm(CrispyMixin, forms.Form):
    submit_label = "Check and import"
    file = forms.FileField(
        label="CSV file", help_text="An export from your MDM or asset register. Up to 5 MB."
    )
    check_only = forms.BooleanField(
        required=False, label="Only check the file – don't import anything yet"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,text/csv"


class SoftwareForm(CrispyMixin, forms.ModelForm):
    submit_label = "Save"

    class Meta:
        model = Software
        fields = [
            "name",
            "supplier",
            "purpose",
            "used_by",
            "age_range",
            "data_held",
            "privacy_notice_checked_on",
            "dpia_done_on",
            "approved_by",
            "review_due",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "data_held": forms.Textarea(attrs={"rows": 2}),
            "privacy_notice_checked_on": DateInput,
            "dpia_done_on": DateInput,
            "review_due": DateInput,
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = people_of(
            school, {Role.HEADTEACHER, Role.ESAFETY_OFFICER}
        )


class LendForm(PickerMixin, CrispyMixin, forms.Form):
    submit_label = "Lend and ask for the agreement to be signed"
    device = forms.ModelChoiceField(queryset=Device.objects.none())
    borrower = PersonField(
        help_text="A member of staff, or a pupil (home learning). Type their name, class "
        "(5B) or year group."
    )
    due_back = forms.DateField(widget=DateInput)
    purpose = forms.CharField(max_length=200, required=False, help_text="e.g. home learning.")

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        on_loan = Loan.objects.open().filter(device=OuterRef("pk"))
        self.fields["device"].queryset = Device.objects.filter(
            school=school, status__in=[Status.IN_USE, Status.IN_STORE]
        ).exclude(Exists(on_loan))
        person_picker(self, "borrower", school, "borrower")


class ReturnForm(CrispyMixin, forms.Form):
    submit_label = "Record the return"
    condition = forms.ChoiceField(
        choices=[("", "Choose"), *Condition.choices], label="Condition it came back in"
    )
    accessories_returned = forms.BooleanField(required=False, label="Charger and accessories back")
    accounts_cleared = forms.BooleanField(
        required=False, label="PIN and IDs left, or the borrower's accounts signed out"
    )
    factory_reset = forms.BooleanField(required=False, label="Factory reset done")
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when anything above is not done.",
    )


# An incident as staff see it: the school's letters (at most 6) and the number (at most 12).
INCIDENT_REFERENCE_LENGTH = 6 + 1 + 12


def show_reference_example(form, school):
    """The incident field's help ends with this school's own example (OAK-2026-0001)."""
    field = form.fields["incident_number"]
    example = f"{school.prefix}-{timezone.localdate().year}-0001"
    field.help_text = f"{field.help_text} For example {example}."


class ConfiscationForm(PickerMixin, CrispyMixin, forms.Form):
    submit_label = "Record the confiscation"
    pupil = PersonField(help_text="Type their name, class (5B) or year group.")
    description = forms.CharField(
        label="The device",
        max_length=200,
        help_text="What it looks like, e.g. black iPhone in a blue case. Never its contents.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    confiscated_at = forms.DateTimeField(label="When", widget=DateTimeInput, initial=now_local)
    held_where = forms.CharField(max_length=100, initial="The office safe", label="Held where")
    incident_number = forms.CharField(
        max_length=INCIDENT_REFERENCE_LENGTH,
        required=False,
        label="Incident reference (optional)",
        help_text="If this is part of an incident already logged, its reference. "
        "The two are linked.",
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        person_picker(self, "pupil", school, "pupil")
        show_reference_example(self, school)


class WhenForm(CrispyMixin, forms.Form):
    submit_label = "Save"
    when = forms.DateTimeField(widget=DateTimeInput, initial=now_local)


class ReleaseForm(CrispyMixin, forms.Form):
    submit_label = "Release the device"
    released_to = forms.CharField(
        max_length=150, label="Given to", help_text="Name of the parent or carer who collected it."
    )
    when = forms.DateTimeField(widget=DateTimeInput, initial=now_local)


class SearchForm(PickerMixin, CheckedFormMixin, forms.Form):
    pupil = PersonField(help_text="Type their name, class (5B) or year group.")
    searched_at = forms.DateTimeField(label="When", widget=DateTimeInput, initial=now_local)
    witness = PersonField(
        required=False,
        help_text="Another member of staff present (DfE: where possible).",
    )
    reason = forms.CharField(
        label="Reason for the search", widget=forms.Textarea(attrs={"rows": 2})
    )
    looked_for = forms.CharField(
        label="What was looked for", widget=forms.Textarea(attrs={"rows": 2})
    )
    found = forms.CharField(
        label="What was found", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    suspected_nude_imagery = forms.BooleanField(
        required=False, label="Suspected nude or semi-nude imagery (opens an incident for the DSL)"
    )
    device_examined = forms.BooleanField(
        required=False, label="Data or files on a device were examined"
    )
    examination_reason = forms.CharField(
        label="Why they were examined", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deleted_or_kept = forms.CharField(
        label="What was deleted or kept, and why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parents_told_at = forms.DateTimeField(
        label="Parents told (when)", required=False, widget=DateTimeInput
    )
    dsl_told_at = forms.DateTimeField(label="DSL told (when)", required=False, widget=DateTimeInput)
    incident_number = forms.CharField(
        max_length=INCIDENT_REFERENCE_LENGTH,
        required=False,
        label="Incident reference (optional)",
        help_text="If this search is part of an incident already logged, its reference.",
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        person_picker(self, "pupil", school, "pupil")
        person_picker(self, "witness", school, "witness")
        show_reference_example(self, school)


class DisposalForm(CrispyMixin, forms.Form):
    submit_label = "Record the disposal"
    devices = forms.ModelMultipleChoiceField(
        queryset=Device.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    disposed_on = forms.DateField(widget=DateInput, initial=timezone.localdate)
    method = forms.ChoiceField(choices=[("", "Choose"), *Method.choices])
    data_destruction = forms.CharField(
        label="How data was wiped or destroyed", max_length=200, help_text="e.g. NIST 800-88 wipe."
    )
    company = forms.CharField(max_length=120, help_text="The licensed WEEE company.")
    waste_transfer_note = forms.FileField(
        label="WEEE waste transfer note", help_text="PDF, JPEG or PNG, up to 10 MB."
    )
    certificate = forms.FileField(
        label="Data-destruction certificate",
        required=False,
        help_text="Needed for any device that held personal data.",
    )
    authorised_by = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["devices"].queryset = Device.objects.filter(school=school).exclude(
            status=Status.DISPOSED
        )
        self.fields["authorised_by"].queryset = people_of(
            school, {Role.HEADTEACHER, Role.ESAFETY_OFFICER}
        )

    def _clean_upload(self, name):
        upload = self.cleaned_data.get(name)
        if upload:
            check_upload(upload, allowed=DOCUMENT_TYPES)
        return upload

    def clean_waste_transfer_note(self):
        return self._clean_upload("waste_transfer_note")

    def clean_certificate(self):
        return self._clean_upload("certificate")


class LossForm(CrispyMixin, forms.Form):
    submit_label = "Report it and tell the headteacher"
    kind = forms.ChoiceField(
        choices=LossKind.choices, widget=forms.RadioSelect, label="Lost or stolen"
    )
    happened_at = forms.DateTimeField(label="When", widget=DateTimeInput, initial=now_local)
    where = forms.CharField(max_length=200)
    held_personal_data = yes_no_field("Did it hold personal data?")
    personal_data = forms.CharField(
        label="What personal data it held",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    was_encrypted = yes_no_field("Was it encrypted (full-disk, not just a password)?")
    police_reference = forms.CharField(max_length=60, required=False, help_text="If stolen.")


class BreachForm(CrispyMixin, forms.ModelForm):
    submit_label = "Record the breach and tell the headteacher"

    class Meta:
        model = Breach
        fields = [
            "became_aware_at",
            "what_happened",
            "data_affected",
            "people_affected",
            "likely_risk",
            "containment",
        ]
        widgets = {
            "became_aware_at": DateTimeInput,
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "data_affected": forms.Textarea(attrs={"rows": 2}),
            "people_affected": forms.Textarea(attrs={"rows": 2}),
            "containment": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "became_aware_at": "The 72 hours to tell the ICO start here.",
        }


class BreachUpdateForm(BreachForm):
    submit_label = "Save"

    class Meta(BreachForm.Meta):
        fields = [f for f in BreachForm.Meta.fields if f != "became_aware_at"] + ["lessons"]
        widgets = {**BreachForm.Meta.widgets, "lessons": forms.Textarea(attrs={"rows": 2})}


class IcoDecisionForm(CrispyMixin, forms.Form):
    submit_label = "Record the decision"
    decision = forms.ChoiceField(
        label="Was the breach reported to the ICO?",
        choices=[c for c in IcoDecision.choices if c[0]],
        widget=forms.RadioSelect,
    )
    reported_at = forms.DateTimeField(
        label="Reported to the ICO at", required=False, widget=DateTimeInput
    )
    reference = forms.CharField(label="ICO reference", max_length=60, required=False)
    reason = forms.CharField(
        label="Why it is not being reported",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. unlikely to result in a risk to anyone's rights and freedoms, and why.",
    )
    late_reason = forms.CharField(
        label="Why the decision took more than 72 hours",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, late=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not late:
            del self.fields["late_reason"]


class PeopleToldForm(CrispyMixin, forms.Form):
    submit_label = "Save"
    told = forms.ChoiceField(
        label="Were the people affected told?",
        choices=[c for c in PeopleTold.choices if c[0]],
        widget=forms.RadioSelect,
    )
    told_on = forms.DateField(label="Told on", required=False, widget=DateInput)
    reason = forms.CharField(
        label="Why not", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def posted(request):
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def id_param(request, name: str) -> int | None:
    """An id passed as ?name= (or posted): None when absent, 404 when it is not an id."""
    value = request.GET.get(name) or request.POST.get(name)
    if not value:
        return None
    return id_or_404(value)


def posted_files(request):
    return request.FILES if request.method == "POST" else None
