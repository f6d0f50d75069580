"""One check for every uploaded file: a sensible name, an allowed type, and contents that
really are that type (read from the bytes, never trusted from the name or the browser).

    content_type = check_upload(upload, allowed=(".pdf", ".png"), max_bytes=10 * MB)

raises a ValidationError that says what is wrong and what to do, or returns the content
type to store. Only the standard library: magic numbers, and the parts list inside the
zip that every Office / OpenDocument file is.
"""

import codecs
import zipfile

from django.core.exceptions import ValidationError

MB = 1024 * 1024
_HEAD_BYTES = 8192
# An Office file unpacks to a few times its size; a "zip bomb" to thousands of times (a
# 204 KB .docx of 200 MB). Refused before anything opens it: the whole unpacked size, the
# worst ratio of one part, and the number of parts.
UNPACKED_MAX_BYTES = 50 * MB
UNPACKED_MAX_RATIO = 200
ZIP_MAX_PARTS = 5000
_TEXT = "text"  # a kind checked by `_is_text`, not by a magic number

# Extension -> (content type, what a person calls it, how to recognise it)
_ZIP_MAGIC = b"PK\x03\x04"
TYPES = {
    ".pdf": ("application/pdf", "PDF", b"%PDF-"),
    ".png": ("image/png", "PNG image", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", "JPEG image", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", "JPEG image", b"\xff\xd8\xff"),
    ".txt": ("text/plain", "text file", _TEXT),
    ".log": ("text/plain", "log file", _TEXT),
    ".csv": ("text/csv", "CSV file", _TEXT),
    ".eml": ("message/rfc822", "saved email", _TEXT),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
        _ZIP_MAGIC,
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook",
        _ZIP_MAGIC,
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text", _ZIP_MAGIC),
}
# The part that makes a zip an Office / OpenDocument file of that kind.
_ZIP_PARTS = {
    ".docx": ("[Content_Types].xml", "word/document.xml"),
    ".xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    ".odt": ("mimetype", "content.xml"),
}


def extension_of(name: str) -> str:
    """'.pdf' for 'Report.PDF'; '' when there is none."""
    stem, dot, extension = (name or "").rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def check_upload(upload, *, allowed, max_bytes: int = 10 * MB) -> str:
    """The content type to store for `upload`, or a ValidationError with a clear reason."""
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    extension = extension_of(name)
    _check_name(name, extension, allowed)
    if upload.size == 0:
        raise ValidationError("The file is empty. Choose the file again and check it opens.")
    if upload.size > max_bytes:
        raise ValidationError(f"The file is larger than {max_bytes // MB} MB.")
    content_type, label, signature = TYPES[extension]
    if signature is _ZIP_MAGIC and _unpacks_too_big(upload):
        raise ValidationError(
            f"The {label} unpacks to far more than its size, as a damaged or harmful file "
            f"does, so it was refused. Save it again as a {label} or as a PDF and attach that."
        )
    if signature is _TEXT and _is_web_page(upload):
        raise ValidationError(
            f"The file is a web page (HTML), not a {label}, so it was refused. Save the page "
            "as a PDF (Print, then Save as PDF) and attach that."
        )
    if not _contents_match(upload, extension, signature):
        raise ValidationError(
            f"The file's contents don't match its name: it is called {extension} but it is "
            f"{_what_it_is(upload) or 'something else'}, not a {label}, so it was refused. "
            f"Save it again as a {label}, or attach it with the name it came with."
        )
    return content_type


def _check_name(name, extension, allowed):
    stem = name.rpartition(".")[0] if "." in name else name  # ".pdf" has no name at all
    if not any(character.isalnum() for character in stem):
        raise ValidationError(
            "The file needs a name with letters or numbers before its type, "
            "for example chat-log.pdf. Rename it and try again."
        )
    if extension not in allowed or extension not in TYPES:
        names = ", ".join(sorted(allowed))
        raise ValidationError(f"Files of this type can't be attached. Allowed: {names}.")


def _contents_match(upload, extension, signature) -> bool:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if signature is _TEXT:
        return _is_text(head) and (extension != ".eml" or _looks_like_email(head))
    if not head.startswith(signature):
        return False
    return extension not in _ZIP_PARTS or _has_parts(upload, _ZIP_PARTS[extension])


# What a file really is, to say so when its name is wrong.
_SIGNATURES = (
    (b"%PDF-", "a PDF"),
    (_ZIP_MAGIC, "a zipped file (such as a Word or Excel file) of another kind"),
    (b"\xd0\xcf\x11\xe0", "an old-style Word or Excel file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"MZ", "a program"),
    (b"{\\rtf", "a rich text (RTF) document"),
)


def _what_it_is(upload) -> str:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), "")


def _is_text(head: bytes) -> bool:
    """Plain text: UTF-16 with its byte-order mark (Excel's "Unicode text"), else UTF-8 or
    a Windows code page with no NUL bytes (every binary format has them near the start),
    and no known binary header under a text name."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "\x00" not in head.decode("utf-16", errors="replace")
    known = tuple(magic for magic, _ in _SIGNATURES)
    return b"\x00" not in head and not head.startswith(known)


def _looks_like_email(head: bytes) -> bool:
    """A saved email starts with header lines such as 'From: ...' or 'Received: ...'."""
    first = head.lstrip(b"\xef\xbb\xbf\r\n ").split(b"\n", 1)[0]
    field, colon, _ = first.partition(b":")
    return bool(colon) and field.replace(b"-", b"").isalnum()


# The start of a web page, however the text file's bytes begin.
_WEB_PAGE_STARTS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<iframe",
)


def _is_web_page(upload) -> bool:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="replace").encode()
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(_WEB_PAGE_STARTS) or b"<script" in head.lower()


def _unpacks_too_big(upload) -> bool:
    """From the archive's own list of parts (nothing is unpacked to find out)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # not a readable zip: the contents check refuses it
    finally:
        upload.seek(0)
    total = sum(part.file_size for part in parts)
    worst = max(
        (part.file_size / max(part.compress_size, 1) for part in parts if part.file_size > MB),
        default=0,
    )
    return len(parts) > ZIP_MAX_PARTS or total > UNPACKED_MAX_BYTES or worst > UNPACKED_MAX_RATIO


def _has_parts(upload, parts) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return all(part in names for part in parts)
