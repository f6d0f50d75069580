"""Checks every form shares, written once: dates a school could mean, text a person can
read, and no NUL bytes.

`CheckedFormMixin` puts them on every field of a form when it is built, so a new form gets
them by inheriting it (a test walks every form in the project to make sure). The NUL-byte
guard for GET and POST parameters is `esafety.middleware.RefuseNulBytesMiddleware`: a
NUL byte reaches PostgreSQL as an error (a 500) if a view uses the raw value.
"""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator

# Wide enough for a member of staff's date of birth and a review ten years out; narrow
# enough to catch year 1 and year 9999, which a date picker accepts and a person never means.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

# The email column's length (Django's EmailField); a form's EmailField accepts up to 320.
EMAIL_MAX_LENGTH = 254
# Allowed in text typed into a box of several lines.
LINE_BREAKS_AND_TABS = frozenset("\n\r\t")


def has_nul_byte(value: str) -> bool:
    return "\x00" in value


def validate_plausible_date(value) -> None:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day is not None and not (EARLIEST_DATE <= day <= LATEST_DATE):
        raise ValidationError(
            f"{day:%d/%m/%Y} is not a date we can use. Check the year "
            f"(it must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}).",
            code="implausible_date",
        )


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def _is_invisible(char: str) -> bool:
    # Cf: format characters such as the zero-width space and joiners; they print nothing.
    return char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def validate_single_line(value: str) -> None:
    if any(_is_control(c) for c in value):
        raise ValidationError(
            "This contains a control character (perhaps pasted from another program). Retype it.",
            code="control_character",
        )


def validate_multi_line(value: str) -> None:
    if any(_is_control(c) and c not in LINE_BREAKS_AND_TABS for c in value):
        raise ValidationError(
            "This contains a control character (perhaps pasted from another program). Retype it.",
            code="control_character",
        )


def validate_visible(value: str) -> None:
    if value and all(_is_invisible(c) for c in value):
        raise ValidationError(
            "This has only invisible characters in it. Type it in letters.", code="invisible"
        )


validate_urn = RegexValidator(
    r"^[0-9]{6}\Z", "A URN is the school's 6-digit number from Get Information about Schools."
)


def validate_name(value: str) -> None:
    """A person's or a thing's name: one line, with something a person can read."""
    validate_single_line(value)
    validate_visible(value)


def _text_validators(field: forms.Field) -> list:
    if isinstance(field.widget, forms.Textarea):
        return [validate_multi_line, validate_visible]
    return [validate_single_line, validate_visible]


# The largest id a database column holds (64-bit signed): a bigger number in a choice of
# records would reach the database and fail there (SQLite: OverflowError) instead of
# being "not a valid choice".
LARGEST_ID = 2**63 - 1


def _out_of_range_number(value) -> bool:
    try:
        return abs(int(str(value).strip())) > LARGEST_ID
    except ValueError:
        return False


def _guard_record_choice(field: forms.ModelChoiceField) -> None:
    """Refuse an impossible id before the field looks it up."""
    clean = field.clean

    def checked_clean(value):
        values = value if isinstance(value, (list, tuple)) else [value]
        if any(_out_of_range_number(v) for v in values):
            raise ValidationError("Select a valid choice.", code="invalid_choice")
        return clean(value)

    field.clean = checked_clean


def check_fields(form: forms.BaseForm) -> None:
    """Add the shared checks to a built form's fields (each form has its own copies)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):  # and ModelMultipleChoiceField
            _guard_record_choice(field)
        elif isinstance(field, (forms.DateField, forms.DateTimeField)):
            field.validators.append(validate_plausible_date)
        elif isinstance(field, forms.CharField):
            field.validators.extend(_text_validators(field))
            if isinstance(field, forms.EmailField):
                field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))


class CheckedFormMixin:
    """Put this first in every form's bases: the shared checks, on every field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_fields(self)


class CheckedFormSet(forms.BaseFormSet):
    """A formset that refuses a negative count of forms (Django would read it as none).
    Give formset_factory an `absolute_max` too, so a huge count is refused quickly."""

    def clean(self):
        super().clean()
        count = self.management_form.cleaned_data.get("TOTAL_FORMS", 0)
        if self.is_bound and count < 0:
            raise ValidationError("The form was sent incomplete. Reload the page and try again.")
