from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    """What a file is to its object. Each kind of object takes some of these (``registry.Target.kinds``)."""

    PHOTO = "photo", _("Site photo")
    APPROVAL = "approval", _("Project approval")
    FEASIBILITY = "feasibility", _("Feasibility study")
    DESIGN = "design", _("Preliminary design")
    TENDER = "tender", _("Tender documents")
    CONTRACT = "contract", _("Contract")
    ACCEPTANCE = "acceptance", _("Acceptance report")
    PROPOSAL_SCAN = "proposal_scan", _("Original proposal (scan)")
    REPLY_LETTER = "reply_letter", _("Reply letter as issued")
    OPINION_LETTER = "opinion_letter", _("Co-handling opinion letter")
    OTHER = "other", _("Other document")


# The documents of a project's file (项目档案), in the order of its life.
PROJECT_DOCUMENT_KINDS = (
    AttachmentKind.APPROVAL,
    AttachmentKind.FEASIBILITY,
    AttachmentKind.DESIGN,
    AttachmentKind.TENDER,
    AttachmentKind.CONTRACT,
    AttachmentKind.ACCEPTANCE,
    AttachmentKind.OTHER,
)
