"""Checks on uploaded resource files: the type is read from the content, never trusted from the name.

Allowed: PDF, Word, Excel, PowerPoint (old and new formats), OpenDocument text, spreadsheets and presentations,
CSV and plain text. The stored name is generated (a UUID and the extension of the detected type), so nothing
of the uploader's file name or path ever reaches the file system.

Every check reads a bounded amount: text is scanned in chunks, and an archive's members are judged by their
declared sizes before anything is decompressed, with at most a few bytes of any member ever inflated. A small
ZIP that inflates to gigabytes (a "ZIP bomb") is refused in milliseconds without being expanded.
"""

import codecs
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


PDF = FileType("pdf", "application/pdf", "PDF")
DOC = FileType("doc", "application/msword", "Word document")
XLS = FileType("xls", "application/vnd.ms-excel", "Excel spreadsheet")
PPT = FileType("ppt", "application/vnd.ms-powerpoint", "PowerPoint presentation")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel spreadsheet")
PPTX = FileType(
    "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation"
)
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", "OpenDocument text")
ODS = FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet")
ODP = FileType("odp", "application/vnd.oasis.opendocument.presentation", "OpenDocument presentation")
CSV = FileType("csv", "text/csv", "CSV file")
TXT = FileType("txt", "text/plain", "plain text file")

BY_MIME = {t.content_type: t for t in (PDF, DOC, XLS, PPT, DOCX, XLSX, PPTX, ODT, ODS, ODP)}
ODF_BY_MIME = {t.content_type: t for t in (ODT, ODS, ODP)}
OOXML_BY_FOLDER = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
# Old Office formats share one container (OLE2); its first bytes say "Office", the name says which program.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_BY_EXTENSION = {"doc": DOC, "xls": XLS, "ppt": PPT}
ZIP_SIGNATURE = b"PK\x03\x04"
# Text that a browser could treat as a page or an image with script in it.
MARKUP_MARKERS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe", b"<object")

ALLOWED_DESCRIPTION = "PDF, Word, Excel, PowerPoint, OpenDocument, CSV or plain text"

# Archive limits. Office documents hold tens to a few hundred members of XML that deflates 5 to 30 times; a
# bomb holds thousands of members or ones that deflate a thousand times.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_TOTAL_BYTES = 500 * 1024 * 1024  # declared, uncompressed
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024  # small members may compress better than the ratio: they cannot hurt
# An OpenDocument's "mimetype" member is one short line (the longest ODF type is under 80 characters).
ODF_MIMETYPE_MAX_BYTES = 100
# Longest marker, less one: kept from the end of each chunk so a marker split across two chunks is still seen.
MARKER_OVERLAP = max(len(marker) for marker in MARKUP_MARKERS) - 1


def max_upload_bytes():
    return settings.RESOURCE_UPLOAD_MAX_BYTES


def _refuse(reason):
    raise ValidationError(f"{reason} Upload a {ALLOWED_DESCRIPTION} file.", code="invalid_file")


def _check_name(name):
    decoded = unquote(name or "")
    parts = decoded.replace("\\", "/").split("/")
    if len(parts) > 1 or ".." in parts or any(not ch.isprintable() for ch in decoded):
        raise ValidationError(
            "The file's name must be a plain file name, without folders or special characters. "
            "Rename the file and upload it again.",
            code="unsafe_name",
        )


def _name_extension(name):
    return PurePosixPath(name or "").suffix.lower().lstrip(".")


def _check_archive_sizes(members):
    """Refuse an archive from its central directory alone, before anything is decompressed."""
    if len(members) > ZIP_MAX_MEMBERS:
        _refuse(f"This archive holds more than {ZIP_MAX_MEMBERS:,} files; it is not an office document.")
    for member in members:
        if member.file_size > ZIP_RATIO_FLOOR_BYTES and member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1):
            _refuse("This archive is compressed far more than any office document is.")
    if sum(member.file_size for member in members) > ZIP_MAX_TOTAL_BYTES:
        _refuse("This archive would expand to more than we can check safely.")


def _odf_mime(archive, member):
    if member.file_size > ODF_MIMETYPE_MAX_BYTES:
        _refuse("This archive's “mimetype” entry is too long for an OpenDocument file.")
    # zipfile inflates only what is asked for and stops at the declared size, even if the header lies.
    with archive.open(member) as handle:
        return handle.read(ODF_MIMETYPE_MAX_BYTES).decode("ascii", "replace").strip()


def _detect_zip(uploaded):
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
            _check_archive_sizes(members)
            names = [member.filename for member in members]
            if "mimetype" in names:
                mime = _odf_mime(archive, archive.getinfo("mimetype"))
                if mime in ODF_BY_MIME:
                    return ODF_BY_MIME[mime]
            if "[Content_Types].xml" in names:
                for folder, file_type in OOXML_BY_FOLDER.items():
                    if any(entry.startswith(folder) for entry in names):
                        return file_type
    except (zipfile.BadZipFile, NotImplementedError, EOFError, ValueError):
        # Corrupt, encrypted, or compressed with a method we do not read: not a document we can accept.
        pass
    finally:
        uploaded.seek(0)
    _refuse("This file is a ZIP archive, not an office document.")


def _scan_text(uploaded, encoding):
    """Scan the file chunk by chunk, never holding it whole; False if it is not valid text in this encoding."""
    decoder = codecs.getincrementaldecoder(encoding)()
    tail = b""
    uploaded.seek(0)
    try:
        for chunk in uploaded.chunks():
            if b"\x00" in chunk:
                _refuse("This file's type could not be recognised from its content.")
            window = tail + chunk.lower()
            if any(marker in window for marker in MARKUP_MARKERS):
                _refuse("Web pages (HTML), SVG images and other markup files are not accepted.")
            tail = window[-MARKER_OVERLAP:]
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
            if any(not (ch.isprintable() or ch in "\t\r\n\f") for ch in text):
                _refuse("This file's type could not be recognised from its content.")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True
    finally:
        uploaded.seek(0)


def _detect_text(uploaded, name):
    if not (_scan_text(uploaded, "utf-8-sig") or _scan_text(uploaded, "cp1252")):
        _refuse("This file's type could not be recognised from its content.")
    return CSV if _name_extension(name) == "csv" else TXT


def detect_file_type(uploaded):
    """The allowed type of an uploaded file, read from its content; ValidationError if it is not allowed."""
    _check_name(uploaded.name)
    if uploaded.size > max_upload_bytes():
        raise ValidationError(
            f"This file is {filesizeformat(uploaded.size)}; files can be at most {filesizeformat(max_upload_bytes())}.",
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError("This file is empty.", code="empty")
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    if head.startswith(ZIP_SIGNATURE):
        return _detect_zip(uploaded)
    if head.startswith(OLE2_SIGNATURE):
        guessed = filetype.guess(head)
        if guessed and guessed.mime in BY_MIME:
            return BY_MIME[guessed.mime]
        file_type = OLE2_BY_EXTENSION.get(_name_extension(uploaded.name))
        if file_type is None:
            _refuse("This looks like an older Microsoft Office file but its name does not say which kind.")
        return file_type
    guessed = filetype.guess(head)
    if guessed is not None:
        if guessed.mime in BY_MIME:
            return BY_MIME[guessed.mime]
        _refuse(f"This file's content is of type “{guessed.extension}”, whatever its name says.")
    return _detect_text(uploaded, uploaded.name)


def stored_name(file_type):
    """A fresh name for a stored file: nothing of the uploader's name or path."""
    return f"{uuid.uuid4().hex}.{file_type.extension}"


def download_filename(original_name, file_type_extension, fallback):
    """A safe file name to offer in Content-Disposition: the uploader's name reduced to safe characters, with
    the extension of the type actually served."""
    stem = PurePosixPath(unquote(original_name or "").replace("\\", "/")).stem
    stem = get_valid_filename(stem) if stem.strip(". ") else ""
    stem = (stem or get_valid_filename(fallback) or "resource")[:100]
    return f"{stem}.{file_type_extension}"
