"""Every upload is checked by its contents: a file is what its name says, or it is refused
with a reason a person can act on."""

import io
import random
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from esafety.uploads import TYPES, check_upload


def zipped(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = zipped("[Content_Types].xml", "word/document.xml")
XLSX = zipped("[Content_Types].xml", "xl/workbook.xml")
ODT = zipped("mimetype", "content.xml")
REAL = {
    ".pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    ".png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    ".jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif",
    ".txt": "Filter log: blocked 3 sites, Zoë's account.\n".encode(),
    ".log": b"2026-11-20 10:31 blocked example.test\n",
    ".csv": "\ufeffName,Year\r\nAda,5\r\n".encode("utf-16"),  # Excel's "Unicode text"
    ".eml": b"From: someone@example.test\r\nSubject: Hello\r\n\r\nHi",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".odt": ODT,
}
EVERY_TYPE = tuple(TYPES)


def check(name, content, allowed=EVERY_TYPE):
    return check_upload(SimpleUploadedFile(name, content), allowed=allowed)


@pytest.mark.parametrize("extension", EVERY_TYPE)
def test_a_real_file_of_each_allowed_type_is_accepted(extension):
    assert check(f"evidence{extension.upper()}", REAL[extension]) == TYPES[extension][0]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("report.pdf", REAL[".jpeg"], "it is a JPEG image, not a PDF"),
        ("screenshot.png", REAL[".pdf"], "it is a PDF, not a PNG image"),
        ("letter.docx", XLSX, "not a Word document"),
        ("letter.docx", zipped("notes.txt"), "not a Word document"),
        ("letter.docx", b"PK\x03\x04 broken zip", "not a Word document"),
        ("sheet.xlsx", DOCX, "not a Excel workbook"),
        ("minutes.odt", DOCX, "not a OpenDocument text"),
        ("people.csv", XLSX, "it is a zipped file (such as a Word or Excel file)"),
        ("notes.txt", b"\x00\x01binary\x00", "not a text file"),
        ("message.eml", b"Dear parent, ...", "not a saved email"),
    ],
)
def test_contents_that_do_not_match_the_name_are_refused(name, content, says):
    with pytest.raises(ValidationError, match="contents don't match its name") as refused:
        check(name, content)
    assert says in refused.value.messages[0]


@pytest.mark.parametrize("name", [".pdf", "\U0001f600\U0001f4f8.pdf", "\U0001f600", "  .png"])
def test_a_file_needs_a_name_with_letters_or_numbers(name):
    with pytest.raises(ValidationError, match="needs a name with letters or numbers"):
        check(name, REAL[".pdf"])


@pytest.mark.parametrize("name", ["tool.exe", "archive.zip", "noextension", "photo.gif"])
def test_types_not_allowed_are_refused_with_the_list(name):
    with pytest.raises(ValidationError, match=r"can't be attached. Allowed: .jpg, .pdf"):
        check(name, b"MZ\x90\x00", allowed=(".pdf", ".jpg"))


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(ValidationError, match="The file is empty"):
        check("report.pdf", b"")
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        check_upload(
            SimpleUploadedFile("report.pdf", b"%PDF-" + b"0" * 1024 * 1024),
            allowed=(".pdf",),
            max_bytes=1024 * 1024,
        )


def test_the_file_can_be_read_from_the_start_after_the_check():
    upload = SimpleUploadedFile("letter.docx", DOCX)
    check_upload(upload, allowed=(".docx",))
    assert upload.read() == DOCX


def zip_bomb(unpacked_mb: int) -> bytes:
    """A Word document whose main part is `unpacked_mb` MB of one repeated byte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("word/document.xml", b"0" * unpacked_mb * 1024 * 1024)
    return buffer.getvalue()


def test_a_document_that_unpacks_to_hundreds_of_megabytes_is_refused():
    bomb = zip_bomb(200)
    assert len(bomb) < 1024 * 1024  # small to upload
    with pytest.raises(ValidationError, match="unpacks to far more than its size"):
        check("statement.docx", bomb)


def test_a_large_ordinary_document_is_accepted():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        words = random.Random(7).choices(["chat", "phone", "said", "the", "pupil", "at"], k=300_000)
        archive.writestr("word/document.xml", " ".join(words))
        archive.writestr("word/media/image1.jpg", random.Random(1).randbytes(2_000_000))
    assert check("statement.docx", buffer.getvalue()) == TYPES[".docx"][0]


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body>Hello</body></html>",
        b"\xef\xbb\xbf  <html><script>alert(1)</script>",
        b"Notes\n<script>document.location='//x'</script>",
        "<svg onload=alert(1)>".encode("utf-16"),
    ],
)
def test_a_web_page_named_as_text_is_refused(content):
    with pytest.raises(ValidationError, match="is a web page"):
        check("notes.txt", content)


def test_text_that_mentions_tags_in_passing_is_still_text():
    assert check("log.txt", b"Pupil typed <b> into the chat at 10:31\n") == "text/plain"
