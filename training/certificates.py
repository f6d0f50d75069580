"""Certificates uploaded as evidence of training: a PDF or an image of up to 5 MB, checked
by the core's upload checker (the contents must be what the name says)."""

from django.core.exceptions import ValidationError

from esafety.uploads import MB, check_upload, extension_of

CERTIFICATE_TYPES = (".pdf", ".png", ".jpg", ".jpeg")
MAX_CERTIFICATE_BYTES = 5 * MB


def check_certificate(upload) -> str:
    """The extension to store the certificate under, or a ValidationError on the
    certificate field that says what is wrong."""
    try:
        check_upload(upload, allowed=CERTIFICATE_TYPES, max_bytes=MAX_CERTIFICATE_BYTES)
    except ValidationError as error:
        raise ValidationError({"certificate": error.messages}) from None
    return extension_of(upload.name)
