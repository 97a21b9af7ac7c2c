"""What a file is, decided by its content and never by its name; what is not on the allow-list, does not match its
name, or would take unbounded memory or time to open is refused with a message the user can act on.

Nothing here writes anything: ``services.attach`` stores a file only after ``inspect`` accepted it.
"""

import dataclasses
import hashlib
import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# How many entries a zip-based document (OFD, .docx, .xlsx, .pptx) may have; real ones have tens to hundreds.
MAX_ZIP_MEMBERS = 5000
# A member unpacking to more than this many times its packed size is a zip bomb, not a document.
MAX_ZIP_RATIO = 200


@dataclasses.dataclass(frozen=True)
class FileType:
    label: str
    media_type: str
    extensions: tuple[str, ...]
    is_image: bool = False


JPEG = FileType("JPEG", "image/jpeg", ("jpg", "jpeg", "jpe"), is_image=True)
PNG = FileType("PNG", "image/png", ("png",), is_image=True)
HEIC = FileType("HEIC", "image/heic", ("heic", "heif"), is_image=True)
PDF = FileType("PDF", "application/pdf", ("pdf",))
OFD = FileType("OFD", "application/ofd", ("ofd",))
DOCX = FileType("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = FileType("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PPTX = FileType("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",))
# The older Office and WPS formats share one container (OLE2): its content says no more than "an Office file".
OLE2 = FileType("Office 97–2003 / WPS", "application/x-ole-storage", ("doc", "xls", "ppt", "wps", "et", "dps"))
OLE2_MEDIA_TYPES = {
    "doc": "application/msword",
    "wps": "application/msword",
    "xls": "application/vnd.ms-excel",
    "et": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "dps": "application/vnd.ms-powerpoint",
}
ALLOWED = (JPEG, PNG, HEIC, PDF, OFD, DOCX, XLSX, PPTX, OLE2)
ALLOWED_EXTENSIONS = tuple(sorted({extension for kind in ALLOWED for extension in kind.extensions}))
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


@dataclasses.dataclass(frozen=True)
class Inspected:
    """A file that passed: its safe name, its type by content, size and digest."""

    name: str
    type: FileType
    media_type: str
    size: int
    sha256: str


def refuse(message, **values):
    raise ValidationError(message % values if values else message, code="file")


def safe_name(name: str, extension: str) -> str:
    """The user's file name as a label: no folders, no control characters or characters that folders forbid, at most
    100 characters, ending in the extension of its content."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(char).startswith("C") else char for char in name)
    name = re.sub(r'[<>:"|?*]+', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" ")
    stem, dot, given = name.rpartition(".")
    # The extension goes before the dots are trimmed, so that "..jpg" is a nameless photo, not one named "jpg".
    if not (dot and given.lower() == extension):
        stem = name
    stem = stem.strip(" .")[: 100 - len(extension) - 1].strip(" .") or _("attachment")
    return f"{stem}.{extension}"


def given_extension(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return base.rpartition(".")[2].lower().strip() if "." in base else ""


# Programs for Windows (MZ), Linux (ELF), macOS (Mach-O, universal) and scripts (#!). Checked before the types, as a
# program may carry a PDF within its first kilobyte and so pass for one.
PROGRAM_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)


def sniff(head: bytes, upload) -> FileType | None:
    """The type by the file's first bytes (and, for zips, by the entries that name the format)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    if head.startswith(PROGRAM_SIGNATURES):
        refuse(_("The file is a program, not a photo or a document; programs are not accepted."))
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE2
    if head.startswith(b"PK\x03\x04"):
        return zip_document(upload)
    return None


def zip_document(upload) -> FileType | None:
    """OFD and the Office formats are zip packages; their directory is read, never more than it declares."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        refuse(_("The file is a damaged zip package and cannot be opened."))
    if len(members) > MAX_ZIP_MEMBERS:
        refuse(
            _("The file holds %(count)s entries; at most %(limit)s are accepted."),
            count=len(members),
            limit=MAX_ZIP_MEMBERS,
        )
    unpacked = sum(member.file_size for member in members)
    limit = settings.ATTACHMENTS["MAX_UNPACKED_BYTES"]
    bomb = any(member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1) + 1024 for member in members)
    if unpacked > limit or bomb:
        refuse(
            _("The file unpacks to %(size)s; documents of at most %(limit)s unpacked are accepted."),
            size=filesizeformat(unpacked),
            limit=filesizeformat(limit),
        )
    names = {member.filename.lower() for member in members}
    if "ofd.xml" in names:
        return OFD
    if "[content_types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
        if any(name.startswith("ppt/") for name in names):
            return PPTX
    return None


def check_pdf(upload):
    """A PDF must open and have a page; a damaged or password-protected one cannot be read by the office either."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        # A PDF locked against editing only (an owner password) opens without one, as stamped letters often are.
        if reader.is_encrypted and not reader.decrypt(""):
            refuse(_("The PDF is protected by a password; upload it without the protection."))
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        reader.pages[0].mediabox  # noqa: B018 (reads the first page's dictionary)
    except ValidationError:
        raise
    except (DependencyError, NotImplementedError):
        # AES-256 needs a cipher library pypdf does not have here; a certificate's encryption, a key the office lacks.
        refuse(_("The PDF is encrypted; save a copy without the protection and upload that."))
    except Exception:  # pypdf on a hostile file raises more than its own errors: any of them means unreadable
        refuse(_("The PDF is damaged and cannot be opened."))


def inspect(upload) -> Inspected:
    """Accept ``upload`` (a Django ``UploadedFile``) or refuse it with a ``ValidationError`` naming the file."""
    name = upload.name or ""
    try:
        return _inspect(upload, name)
    except ValidationError as error:
        raise named(name, error) from None


def named(name: str, error: ValidationError) -> ValidationError:
    """``error`` with the file's name before its reason, so that among several files the user knows which one."""
    return ValidationError(
        _("%(name)s: %(reason)s")
        % {"name": safe_name(name, given_extension(name) or "bin"), "reason": error.messages[0]},
        code="file",
    )


def _inspect(upload, name: str) -> Inspected:
    limit = settings.ATTACHMENTS["MAX_FILE_BYTES"]
    size = upload.size
    if size is None or size > limit:
        refuse(_("The file is larger than %(limit)s, the most a file may be."), limit=filesizeformat(limit))
    if size == 0:
        refuse(_("The file is empty."))
    upload.seek(0)
    head = upload.read(4096)
    kind = sniff(head, upload)
    extension = given_extension(name)
    if kind is None:
        refuse(
            _(
                "This type of file is not accepted. Accepted: photos (JPEG, PNG, HEIC), PDF, OFD and Office or WPS "
                "documents."
            )
        )
    if extension and extension not in kind.extensions:
        refuse(
            _("Its content is %(content)s, which does not match its name ending in .%(extension)s."),
            content=kind.label,
            extension=extension,
        )
    extension = extension or kind.extensions[0]
    if kind is PDF:
        check_pdf(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    media_type = OLE2_MEDIA_TYPES[extension] if kind is OLE2 else kind.media_type
    return Inspected(safe_name(name, extension), kind, media_type, size, digest.hexdigest())
