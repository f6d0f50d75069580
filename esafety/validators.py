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
# Bidirectional embeddings, overrides and isolates: they make a name or a title read
# backwards on every page and in every CSV after it ("Trojan Source"). Pages isolate
# what people write (dir="auto"); names, tags and titles refuse them outright.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What a browser sends in place of bytes that were not UTF-8.
REPLACEMENT_CHARACTER = "\ufffd"
# Sensible lengths for fields the model does not limit: a page of an incident's account
# is ~3,000 characters; 20,000 is a long statement; more is a paste gone wrong, and it
# would run off the edge of every PDF and swell every CSV.
LONG_TEXT_MAX_LENGTH = 20_000
LINE_MAX_LENGTH = 1_000
# A whole policy or agreement (the 2018 policy is ~60,000 characters): a form names such
# fields in its `long_documents`.
DOCUMENT_MAX_LENGTH = 250_000


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


def validate_readable(value: str) -> None:
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError(
            "Part of this could not be read (it was not sent as UTF-8 text). Retype it, or "
            "paste it again from a document saved as text.",
            code="unreadable",
        )


def validate_single_line(value: str) -> None:
    if any(_is_control(c) for c in value):
        raise ValidationError(
            "This contains a control character (perhaps pasted from another program). Retype it.",
            code="control_character",
        )
    if any(c in BIDI_CONTROLS for c in value):
        raise ValidationError(
            "This contains a hidden character that changes the direction of the text (perhaps "
            "pasted from another program). Retype it.",
            code="bidi_control",
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


def _text_validators(field: forms.Field, *, document: bool = False) -> list:
    if isinstance(field.widget, forms.Textarea):
        checks = [validate_multi_line, validate_visible, validate_readable]
        limit = DOCUMENT_MAX_LENGTH if document else LONG_TEXT_MAX_LENGTH
    else:
        checks = [validate_single_line, validate_visible, validate_readable]
        limit = LINE_MAX_LENGTH
    # A hidden field carries what the page wrote (a list of ids can be long), not typing.
    if field.max_length is None and not field.widget.is_hidden:
        field.max_length = limit
        field.widget.attrs.setdefault("maxlength", str(limit))
        checks.append(MaxLengthValidator(limit))
    return checks


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
    documents = set(getattr(form, "long_documents", ()))
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):  # and ModelMultipleChoiceField
            _guard_record_choice(field)
        elif isinstance(field, (forms.DateField, forms.DateTimeField)):
            field.validators.append(validate_plausible_date)
        elif isinstance(field, forms.CharField):
            field.validators.extend(_text_validators(field, document=name in documents))
            if isinstance(field, forms.EmailField):
                field.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))


class CheckedFormMixin:
    """Put this first in every form's bases: the shared checks, on every field. Name the
    fields that hold a whole document in `long_documents` for the longer limit."""

    long_documents: tuple[str, ...] = ()

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


FUTURE_GRACE = datetime.timedelta(minutes=5)  # a device's clock a little ahead is not the future


def check_not_future(when, field: str) -> None:
    """A time something happened (a confiscation, a monitoring alert) may not be ahead of
    now by more than a clock's drift."""
    from django.utils import timezone

    if when and when > timezone.now() + FUTURE_GRACE:
        raise ValidationError({field: "This time is in the future."})
