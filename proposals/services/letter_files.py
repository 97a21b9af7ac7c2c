"""The letters that go with the units' answers, kept with them inside the step that sends them
(``attachments.services.attach``): the letter a signer issues as signed and stamped, a co-handling unit's opinion
letter, a paper reply the committee records, and the server's PDF of every issued reply (``proposals.letter_pdf``).

The server's PDF takes WeasyPrint half a second or more, so the issuing step only marks it due
(``Reply.letter_pdf_pending``): ``make_pending_letter_pdfs`` (``manage.py make_letter_pdfs``, from cron) makes it
soon after, and listing the reply's files makes it first if it is still due, so nobody sees a reply without its
letter. It is made from the issued reply, which nothing changes once issued, and kept as its signer's upload: it is
the letter as it went out.

A letter is a PDF or an OFD file (GB/T 33190, the format of electronic government documents). A refused file refuses
the step, before anything is written; the files are kept last in the step's transaction, so that nothing after them
can roll the step back and leave them on the disk.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from attachments import inspection
from attachments.choices import AttachmentKind
from attachments.models import Attachment
from attachments.services import attach, check_count

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
    """Keep ``files`` (checked by ``check_letters``) with ``obj``, uploaded by ``actor``, and for an issued reply
    mark the server's PDF of it due (``make_letter_pdf``), its room among the reply's files kept for it. The step has
    made its own checks of who acts: the attachments' ``may_add`` (which closes a reply once issued) is not asked
    again."""
    files = list(files)
    try:
        if with_letter_pdf:
            check_count(obj, len(files) + 1)
            Reply.objects.filter(pk=obj.pk).update(letter_pdf_pending=True)
            obj.letter_pdf_pending = True
        return attach(actor=actor, obj=obj, files=files, kind=kind, check_permission=False) if files else []
    except ValidationError as refusal:
        raise ValidationError({"files": refusal.messages}) from None


def make_letter_pdf(reply: Reply) -> Attachment | None:
    """Keep the server's PDF of ``reply`` if it is still due, as uploaded by whoever issued the reply; ``None`` when
    it is not due (made already, or a reply issued before the PDFs were made after the step)."""
    if not reply.letter_pdf_pending:
        return None
    with transaction.atomic():
        # Claimed by one update, so that two readers listing the files at once make one PDF, not two.
        claimed = Reply.objects.filter(pk=reply.pk, letter_pdf_pending=True).update(letter_pdf_pending=False)
        reply.letter_pdf_pending = False
        if not claimed:
            return None
        issued = Reply.objects.select_related("proposal", "unit", "signed_off_by").get(pk=reply.pk)
        # Last in the transaction, as in the steps: nothing after the file can roll its row back.
        [letter] = attach(
            actor=issued.signed_off_by,
            obj=issued,
            files=[letter_pdf_file(issued)],
            kind=AttachmentKind.REPLY_LETTER,
            check_permission=False,
        )
    return letter


def make_pending_letter_pdfs() -> int:
    """Make every due server PDF (``make_letter_pdf``), one reply at a time; how many were made."""
    due = Reply.objects.filter(letter_pdf_pending=True).order_by("pk")
    return sum(make_letter_pdf(reply) is not None for reply in list(due))
