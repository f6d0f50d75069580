"""Forms for signing, changing consent, and recording in class or on paper."""

from django import forms

from esafety.models import Membership, Role, User
from esafety.uploads import check_upload
from esafety.validators import CheckedFormMixin

from .models import Channel, Document, Kind

YES_NO = [("yes", "Yes"), ("no", "No")]
MAX_SCAN = 10 * 1024 * 1024
SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}
PUPIL_KINDS = [Kind.PUPIL_KS1, Kind.PUPIL_KS2, Kind.PUPIL_SECONDARY]


def add_consent_fields(form):
    """One yes/no radio per channel, never pre-ticked and with no default."""
    for channel in Channel:
        form.fields[f"consent_{channel.value}"] = forms.ChoiceField(
            label=channel.label,
            choices=YES_NO,
            widget=forms.RadioSelect,
            error_messages={"required": f"Answer yes or no: {channel.label.lower()}."},
        )


def consents_from(cleaned) -> dict:
    return {
        c.value: cleaned[f"consent_{c.value}"] == "yes"
        for c in Channel
        if f"consent_{c.value}" in cleaned
    }


class SignForm(CheckedFormMixin, forms.Form):
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=150,
        error_messages={"required": "Type your full name to sign."},
    )
    submit_label = "Sign"

    def __init__(self, *args, asks_consent=False, **kwargs):
        super().__init__(*args, **kwargs)
        if asks_consent:
            add_consent_fields(self)

    def clean_typed_name(self):
        name = self.cleaned_data["typed_name"].strip()
        if not name:
            raise forms.ValidationError("Type your full name to sign.")
        return name


class FamilySignForm(CheckedFormMixin, forms.Form):
    """One typed name, and each child's consent answers side by side (never pre-ticked)."""

    typed_name = SignForm.base_fields["typed_name"]
    clean_typed_name = SignForm.clean_typed_name

    def __init__(self, *args, children, asks_consent=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        self.channels = list(Channel) if asks_consent else []
        for child in self.children:
            for channel in self.channels:
                self.fields[self.field_name(child, channel)] = forms.ChoiceField(
                    label=channel.label,
                    choices=YES_NO,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages={
                        "required": f"Answer yes or no for {child.full_name}: "
                        f"{channel.label.lower()}."
                    },
                )
        self.order_fields([name for name in self.fields if name != "typed_name"])

    @staticmethod
    def field_name(child, channel) -> str:
        return f"consent_{child.pk}_{channel.value}"

    def rows(self):
        """(channel, [(child, bound field), ...]) for the side-by-side table."""
        return [
            (channel, [(child, self[self.field_name(child, channel)]) for child in self.children])
            for channel in self.channels
        ]

    def answers(self) -> dict:
        """{child: {channel: True/False}} from the cleaned data."""
        return {
            child: {
                channel.value: self.cleaned_data[self.field_name(child, channel)] == "yes"
                for channel in self.channels
            }
            for child in self.children
        }

    def first_child_answered(self) -> bool:
        first = self.children[0]
        return any(self.data.get(self.field_name(first, c)) for c in self.channels)

    def with_first_child_copied(self) -> dict:
        """The submitted data with the first child's answers given to every other child
        (each can still be changed before signing)."""
        data = self.data.copy()
        first = self.children[0]
        for channel in self.channels:
            answer = self.data.get(self.field_name(first, channel))
            for child in self.children[1:]:
                if answer:
                    data[self.field_name(child, channel)] = answer
        return data


def published_documents(school, kinds=None):
    docs = Document.objects.filter(school=school, versions__status="published")
    if kinds:
        docs = docs.filter(kind__in=kinds)
    return docs.distinct().order_by("title")


class InClassForm(CheckedFormMixin, forms.Form):
    class_name = forms.ChoiceField(label="Class")
    document = forms.ModelChoiceField(queryset=Document.objects.none(), label="Agreement")
    pupils = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Pupils who agreed",
    )
    submit_label = "Record agreement"

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        pupils = Membership.objects.filter(school=school, role=Role.PUPIL, ended_on__isnull=True)
        names = sorted(set(pupils.exclude(class_name="").values_list("class_name", flat=True)))
        self.fields["class_name"].choices = [("", "Choose a class")] + [(n, n) for n in names]
        self.fields["document"].queryset = published_documents(school, PUPIL_KINDS)
        chosen = self.data.get("class_name") or self.initial.get("class_name")
        self.fields["pupils"].queryset = (
            User.objects.filter(memberships__in=pupils.filter(class_name=chosen))
            .distinct()
            .order_by("full_name")
            if chosen
            else User.objects.none()
        )

    def clean(self):
        cleaned = super().clean()
        if self.data.get("record") and not cleaned.get("pupils"):
            self.add_error("pupils", "Tick the pupils who agreed.")
        return cleaned


class PaperForm(CheckedFormMixin, forms.Form):
    document = forms.ModelChoiceField(queryset=Document.objects.none(), label="Document")
    signer = forms.ModelChoiceField(queryset=User.objects.none(), label="Who signed")
    subject = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="For which child",
        help_text="Only for parent agreements.",
    )
    typed_name = forms.CharField(label="Name as written on the form", max_length=150)
    scan = forms.FileField(label="Scan of the signed form (PDF, JPEG or PNG, up to 10 MB)")
    submit_label = "Record paper form"

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = published_documents(school)
        people = (
            User.objects.filter(memberships__school=school, memberships__ended_on__isnull=True)
            .distinct()
            .order_by("full_name")
        )
        self.fields["signer"].queryset = people
        self.fields["subject"].queryset = people.filter(memberships__role=Role.PUPIL)
        for channel in Channel:
            self.fields[f"consent_{channel.value}"] = forms.ChoiceField(
                label=f"{channel.label} (as on the form)",
                choices=YES_NO,
                widget=forms.RadioSelect,
                required=False,
            )

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        if scan.size > MAX_SCAN:
            raise forms.ValidationError("The scan is larger than 10 MB.")
        head = scan.read(8)
        scan.seek(0)
        if not (
            head.startswith(b"%PDF")
            or head.startswith(b"\xff\xd8\xff")
            or head.startswith(b"\x89PNG")
        ):
            raise forms.ValidationError("Attach a PDF, JPEG or PNG scan.")
        check_upload(scan, allowed=(".pdf", ".jpg", ".jpeg", ".png"), max_bytes=MAX_SCAN)
        return scan

    def clean(self):
        cleaned = super().clean()
        document = cleaned.get("document")
        if document is None:
            return cleaned
        if document.parents_sign_for_each_child and not cleaned.get("subject"):
            self.add_error("subject", "Choose the child this form is for.")
        if document.asks_consent:
            for channel in Channel:
                if not cleaned.get(f"consent_{channel.value}"):
                    self.add_error(
                        f"consent_{channel.value}",
                        "Answer as on the form; a blank answer on paper is a no.",
                    )
        return cleaned
