"""A project's dossier (项目档案) as one ZIP, for acceptance and audit: its documents, each report's and each
milestone's files, and 项目数据.xlsx with its figures and change log (``workbook``).

The archive is built in a spooled temporary file: memory holds at most ``SPOOL_BYTES``, the rest goes to disk. Its
size is bounded by the attachments' per-object limits (``ATTACHMENTS["MAX_OBJECT_BYTES"]`` for the project, each of
its reports and each of its milestones), which also bound each stored file; nothing is read whole into memory.
"""

import datetime
import re
import shutil
import tempfile
import unicodedata
import zipfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from attachments.choices import AttachmentKind
from attachments.models import Attachment
from common.xlsx import XLSX_TYPE

from .. import selectors
from ..models import Project
from .workbook import write_workbook

SPOOL_BYTES = 8 * 1024 * 1024
COPY_CHUNK = 1024 * 1024
MAX_COMPONENT = 80
ZIP_TYPE = "application/zip"
# Already compressed: stored as they are rather than deflated again for nothing.
STORED_TYPES = (
    "image/jpeg",
    "image/png",
    "image/heic",
    "application/ofd",
    "application/vnd.openxmlformats-officedocument.",
)


def component(text: str) -> str:
    """``text`` as one name inside the archive: no folders, no characters Windows refuses, at most 80 characters."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = "".join("_" if unicodedata.category(char).startswith("C") else char for char in text)
    text = re.sub(r'[\\/:*?"<>|]+', "_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    return text[:MAX_COMPONENT].strip(" .") or "_"


def document_name(attachment: Attachment) -> str:
    """``<kind>_<文号>_<file name>``, the 文号 left out when the document has none."""
    parts = [str(AttachmentKind(attachment.kind).label)]
    if attachment.number:
        parts.append(attachment.number)
    return component("_".join(parts)) + "_" + attachment.name


def dossier_filename(project: Project) -> str:
    return component(f"{project.code}_{project.name}") + "_" + _("project dossier") + ".zip"


class Archive:
    """The zip being written, which keeps every member's path unique (two photos may share a name)."""

    def __init__(self, out):
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.names: set[str] = set()
        self.missing: list[str] = []

    def unique(self, path: str) -> str:
        stem, dot, extension = path.rpartition(".")
        if not dot or "/" in extension:
            stem, dot, extension = path, "", ""
        candidate, count = path, 1
        while candidate.lower() in self.names:
            count += 1
            candidate = f"{stem} ({count}){dot}{extension}"
        self.names.add(candidate.lower())
        return candidate

    def member(self, path: str, moment: datetime.datetime, size: int, media_type: str) -> zipfile.ZipInfo:
        # Names are written in UTF-8 (zipfile sets the flag that says so for any name beyond ASCII).
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        info = zipfile.ZipInfo(self.unique(path), date_time=local.timetuple()[:6])
        info.external_attr = 0o644 << 16
        info.file_size = size  # tells zipfile ahead whether the member needs ZIP64
        stored = media_type.startswith(STORED_TYPES)
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        return info

    def add_attachment(self, folder: str, name: str, attachment: Attachment):
        path = f"{folder}/{name}"
        try:
            source = attachment.file.open("rb")
        except OSError:
            # A stored file lost on the server (a restore without the media folder): said in the archive, not a 500.
            self.missing.append(path)
            return
        with (
            source,
            self.zip.open(
                self.member(path, attachment.uploaded_at, attachment.size, attachment.media_type), "w"
            ) as out,
        ):
            shutil.copyfileobj(source, out, COPY_CHUNK)

    def add_spooled(self, path: str, spool, media_type: str):
        spool.seek(0, 2)
        size = spool.tell()
        spool.seek(0)
        with self.zip.open(self.member(path, timezone.now(), size, media_type), "w") as out:
            shutil.copyfileobj(spool, out, COPY_CHUNK)

    def close(self):
        if self.missing:
            note = _("These files are recorded but missing from the server's storage:") + "\n" + "\n".join(self.missing)
            self.zip.writestr(self.unique(_("missing files") + ".txt"), note + "\n")
        self.zip.close()


def write_dossier(project: Project, out):
    """Write ``project``'s dossier (``project`` annotated as its page shows it) to ``out``, a seekable binary file."""
    archive = Archive(out)
    documents_folder = _("Documents")
    for attachment in selectors.project_documents(project).documents:
        archive.add_attachment(documents_folder, document_name(attachment), attachment)
    reports_folder = _("Monthly reports")
    periods = dict(project.progress_reports.values_list("pk", "period"))
    reports = Attachment.objects.filter(progress_report__project=project)
    for attachment in reports.order_by("progress_report__period", "uploaded_at", "pk"):
        folder = f"{reports_folder}/{component(periods[attachment.object_id])}"
        archive.add_attachment(folder, attachment.name, attachment)
    milestones_folder = pgettext("dossier", "Milestones")
    names = dict(project.milestones.values_list("pk", "name"))
    milestones = Attachment.objects.filter(milestone__project=project)
    for attachment in milestones.order_by("milestone__planned_date", "milestone__pk", "uploaded_at", "pk"):
        archive.add_attachment(
            f"{milestones_folder}/{component(names[attachment.object_id])}", attachment.name, attachment
        )
    with tempfile.TemporaryFile() as workbook:
        write_workbook(project, workbook)
        archive.add_spooled(_("Project data") + ".xlsx", workbook, XLSX_TYPE)
    archive.close()


def dossier_response(project: Project) -> FileResponse:
    """The dossier streamed from its spooled file (closed, and deleted, once sent)."""
    project = selectors.project_page_queryset().get(pk=project.pk)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 -- FileResponse closes it once sent
    try:
        write_dossier(project, spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = FileResponse(spool, as_attachment=True, filename=dossier_filename(project), content_type=ZIP_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
