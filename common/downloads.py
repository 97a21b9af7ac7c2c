"""A stored file sent to the user once a view has checked that they may have it: by Django, or, in production behind
nginx, by the proxy (``ATTACHMENTS["SENDFILE_HEADER"]``: ``X-Accel-Redirect``), so that no app worker is held for
the length of a download."""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def send_file(field, *, as_attachment: bool, filename: str, content_type: str) -> HttpResponse:
    """``field`` (a FieldFile) under ``filename``. With a send-file header, a file on disk under MEDIA_ROOT goes as
    that header naming its path below ``SENDFILE_PREFIX`` (nginx's internal location aliased to MEDIA_ROOT), with no
    body; a file in an object store is streamed by Django."""
    header = settings.ATTACHMENTS["SENDFILE_HEADER"]
    path = Path(field.path) if isinstance(field.storage, FileSystemStorage) else None
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if header and path is not None and path.resolve().is_relative_to(media_root):
        response = HttpResponse(content_type=content_type)
        # A URI (nginx decodes it): a stored name may hold Chinese, which no header carries as it is.
        relative = quote(path.resolve().relative_to(media_root).as_posix())
        response[header] = settings.ATTACHMENTS["SENDFILE_PREFIX"].rstrip("/") + "/" + relative
    else:
        response = FileResponse(field.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Cache-Control"] = "private, no-store"
    # A file is never run as a page of this site, whatever it holds.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
