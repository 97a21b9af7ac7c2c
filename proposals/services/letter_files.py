"""The letters that go with the units' answers, kept with them inside the step that sends them
(``attachments.services.attach``): the letter a signer issues as signed and stamped, a co-handling unit's opinion
letter, a paper reply the committee records, and the server's PDF of every issued reply (``proposals.letter_pdf``).

A letter is a PDF or an OFD file (GB/T 33190, the format of electronic government documents). A refused file refuses
the step, before anything is written; the files are kept last in the step's transaction, so that nothing after them
can roll the step back and leave them on the disk.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from attachments import inspection
from attachments.models import Attachment
from attachments.services import attach

from ..models import Reply

LETTER_TYPES = (inspection.PDF, inspection.OFD)


def check_letters(files) -> list:
    """The files of a step, each a PDF or OFD letter that passes the attachments' checks, or ``ValidationError`` on
    ``files`` with every refused file's reason."""
    files = [upload for upload in files or () if upload]
    errors = []
    for upload in files:
        try:
            facts = inspection.inspect(upload)
        except ValidationError as refusal:
            errors.extend(refusal.messages)
            continue
        if facts.type not in LETTER_TYPES:
            errors.append(
                _("%(name)s: a letter is kept as a PDF or OFD file; this file is %(type)s.")
                % {"name": facts.name, "type": facts.type.label}
            )
    if errors:
        raise ValidationError({"files": errors})
    return files


def letter_pdf_file(reply: Reply) -> SimpleUploadedFile:
    """The server's PDF of an issued reply, named as the letter goes out (in Chinese, as the letter is)."""
    # WeasyPrint takes 0.65 s to import: loaded at the first letter, not with every process.
    from .. import letter_pdf

    with translation.override("zh-hans"):
        name = _("Reply letter to proposal %(number)s.pdf") % {"number": reply.proposal.number}
    return SimpleUploadedFile(name, letter_pdf.reply_letter_pdf(reply), "application/pdf")


def keep_letters(*, actor: User, obj, kind: str, files=(), with_letter_pdf: bool = False) -> list[Attachment]:
    """Keep ``files`` (checked by ``check_letters``) and, for an issued reply, the server's PDF of it with ``obj``,
    uploaded by ``actor``. The step has made its own checks of who acts: the attachments' ``may_add`` (which closes a
    reply once issued) is not asked again."""
    added: list[Attachment] = []
    try:
        batches = [list(files)] if files else []
        if with_letter_pdf:
            batches.append([letter_pdf_file(obj)])
        for batch in batches:
            try:
                added += attach(actor=actor, obj=obj, files=batch, kind=kind, check_permission=False)
            except ValidationError as refusal:
                raise ValidationError({"files": refusal.messages}) from None
    except BaseException:
        # The step's transaction rolls the rows back; the files stored for them go here.
        for attachment in added:
            for field in (attachment.file, attachment.thumbnail):
                if field:
                    field.storage.delete(field.name)
        raise
    return added
