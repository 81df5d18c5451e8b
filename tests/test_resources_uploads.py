"""Upload checks: the type comes from the content, never the name; nothing refused is ever stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources.models import Resource
from resources.uploads import OLE2_SIGNATURE, detect_file_type, download_filename

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The start of a Windows executable: "MZ", then the DOS stub's message.
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode" * 20
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
# The start of an older Office file (an OLE2 container) with nothing that says which program made it.
OLE2_BYTES = OLE2_SIGNATURE + bytes(504)


def office_zip(folder, first_entry="[Content_Types].xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(first_entry, "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


def opendocument(mime):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mime)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def upload_form(client, name, content, **fields):
    data = {"title": "Scrutiny toolkit", "kind": "tool", "description": "A **useful** toolkit.", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("resources:resource_create"), data)


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        ("toolkit.pdf", PDF_BYTES, "pdf", "application/pdf"),
        (
            "toolkit.docx",
            office_zip("word/"),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "figures.xlsx",
            office_zip("xl/"),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "slides.pptx",
            office_zip("ppt/"),
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            "notes.odt",
            opendocument("application/vnd.oasis.opendocument.text"),
            "odt",
            "application/vnd.oasis.opendocument.text",
        ),
        ("figures.csv", b"site,theme\nDevon,Learning reviews\n", "csv", "text/csv"),
        ("readme.txt", "Café notes – in UTF-8\n".encode(), "txt", "text/plain"),
        # Text saved by older Windows programs: not UTF-8, but Windows-1252.
        ("notes.txt", "Café notes – from Windows\n".encode("cp1252"), "txt", "text/plain"),
        # Older Office files share one container; the name says which program made them.
        ("budget.xls", OLE2_BYTES, "xls", "application/vnd.ms-excel"),
        ("minutes.doc", OLE2_BYTES, "doc", "application/msword"),
        ("slides.ppt", OLE2_BYTES, "ppt", "application/vnd.ms-powerpoint"),
        # The name is wrong, the content decides: a PDF called .docx is stored and served as a PDF.
        ("mislabelled.docx", PDF_BYTES, "pdf", "application/pdf"),
    ],
)
def test_allowed_types_are_detected_from_content(name, content, extension, content_type):
    detected = detect_file_type(SimpleUploadedFile(name, content))
    assert (detected.extension, detected.content_type) == (extension, content_type)


def test_facilitator_uploads_a_file_stored_under_a_generated_name(client_for, facilitator, media_root):
    response = upload_form(client_for(facilitator), "Our toolkit (final).pdf", PDF_BYTES)
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert resource.original_filename == "Our toolkit (final).pdf"
    assert resource.content_type == "application/pdf"
    (stored,) = stored_files(media_root)
    assert stored.name == resource.file.name.split("/")[-1]
    assert stored.suffix == ".pdf" and "toolkit" not in stored.name
    assert stored.read_bytes() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", EXE_BYTES, "content is of type “exe”"),
        ("report.pdf", HTML_BYTES, "Web pages (HTML)"),
        ("page.html", HTML_BYTES, "Web pages (HTML)"),
        ("notes.txt", b"<svg onload=alert(1)></svg>", "Web pages (HTML)"),
        ("archive.docx", office_zip("other/"), "ZIP archive"),
        ("old-office.pdf", OLE2_BYTES, "its name does not say which kind"),
        ("nul.txt", b"site,theme\x00\nDevon,Reviews\n", "could not be recognised"),
        # Neither UTF-8 nor Windows-1252 (0x81 is unassigned in Windows-1252).
        ("binary.txt", b"site\x81theme\n", "could not be recognised"),
        ("bell.txt", b"site,theme\x07\n", "could not be recognised"),
        # Django keeps only the last part of a path; a path encoded in the name is refused by our own check.
        ("..%2F..%2Fsettings.pdf", PDF_BYTES, "must be a plain file name"),
        ("..%5C..%5Cevil.pdf", PDF_BYTES, "must be a plain file name"),
    ],
)
def test_refused_files_keep_the_form_and_store_nothing(client_for, facilitator, media_root, name, content, message):
    response = upload_form(client_for(facilitator), name, content, title="My careful title")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "There is a problem" in html
    assert 'value="My careful title"' in html
    assert "A **useful** toolkit." in html
    assert not Resource.objects.exists()
    assert stored_files(media_root) == []


def test_oversized_file_is_refused(client_for, facilitator, media_root, settings):
    settings.RESOURCE_UPLOAD_MAX_BYTES = 1024
    response = upload_form(client_for(facilitator), "big.pdf", PDF_BYTES + b"0" * 2000)
    html = response.content.decode()
    assert "files can be at most 1.0\xa0KB" in html
    assert not Resource.objects.exists()
    assert stored_files(media_root) == []


def test_default_size_limit_is_20_mb(settings):
    assert settings.RESOURCE_UPLOAD_MAX_BYTES == 20 * 1024 * 1024


def test_raw_path_in_multipart_name_never_reaches_the_disk(client_for, facilitator, media_root):
    """A hand-made request naming the file ../../evil.pdf: Django keeps only evil.pdf, and our stored name is
    generated anyway, so nothing is written outside MEDIA_ROOT."""
    boundary = "XyZ"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nTraversal\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ntool\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../evil.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )
    client = client_for(facilitator)
    client.post(reverse("resources:resource_create"), body, content_type=f"multipart/form-data; boundary={boundary}")
    resource = Resource.objects.get()
    assert "/" not in resource.original_filename and ".." not in resource.original_filename
    assert all(media_root in path.parents for path in stored_files(media_root))
    assert not (media_root.parent / "evil.pdf").exists()


def test_a_resource_needs_exactly_one_of_file_and_address(client_for, facilitator, media_root):
    client = client_for(facilitator)
    both = upload_form(client, "toolkit.pdf", PDF_BYTES, external_url="https://example.org/toolkit")
    assert "either a file or an external address, not both" in both.content.decode()
    neither = client.post(reverse("resources:resource_create"), {"title": "Nothing", "kind": "tool"})
    assert "Upload a file or give the resource&#x27;s external address" in neither.content.decode()
    assert not Resource.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Our toolkit (final).pdf", "Our_toolkit_final.pdf"),
        ('evil"; filename=x.exe', "evil_filenamex.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("", "fallback-slug.pdf"),
    ],
)
def test_download_filename_is_safe(original, expected):
    assert download_filename(original, "pdf", "fallback-slug") == expected
