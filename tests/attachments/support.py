"""Documents for the tests of a project's file: a PDF of its own content per seed (the attachments service refuses
the same file twice on one object), kept with a project as a unit would upload it."""

import datetime
import io
import random
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from attachments import services
from attachments.choices import AttachmentKind

ISSUED = datetime.date(2026, 3, 2)


def document(name="验收报告.pdf", seed=1) -> SimpleUploadedFile:
    """A one-page PDF, its page tinted by ``seed`` so that each seed's file differs."""
    rng = random.Random(seed)
    out = io.BytesIO()
    tint = tuple(rng.randrange(200, 256) for _ in range(3))
    Image.new("RGB", (595, 842), tint).save(out, "PDF", resolution=72)
    return SimpleUploadedFile(name, out.getvalue(), "application/pdf")


def add_document(project, kind, *, actor=None, name=None, number="", issued_on=ISSUED, seed=None):
    """Keep a document of ``kind`` with ``project`` through the service, as its unit would upload it."""
    name = name or f"{AttachmentKind(kind).label}.pdf"
    seed = seed if seed is not None else zlib.crc32(f"{kind}|{name}|{number}".encode())
    [attachment] = services.attach(
        actor=actor,
        obj=project,
        files=[document(name, seed)],
        kind=kind,
        number=number,
        issued_on=issued_on,
        check_permission=actor is not None,
    )
    return attachment


def upload_acceptance_report(project, *, actor=None):
    """The acceptance report (验收报告) that an acceptance request and its confirmation expect in the file."""
    return add_document(project, AttachmentKind.ACCEPTANCE, actor=actor, name="竣工验收报告.pdf", seed=4242)
