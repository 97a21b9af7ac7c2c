from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from .. import selectors, services
from ..choices import AttachmentKind
from ..forms import AttachmentForm
from ..registry import target_for

register = template.Library()


@register.inclusion_tag("attachments/includes/panel.html", takes_context=True)
def attachment_panel(context, obj, title=None, upload=True, compact=False, attachments=None):
    """An object's files with their checks (photo taken long before the period, photo reused), and the drop zone to
    add more where the user may. ``upload=False`` shows the list only (a reviewer's view). ``attachments``: the
    object's files as its app orders them (a project's file by kind and date), else by upload."""
    request = context["request"]
    target = target_for(obj)
    start = target.evidence_start(obj) if target.evidence_start else None
    attachments = list(selectors.attachments_of(obj) if attachments is None else attachments)
    for attachment in attachments:
        attachment.stale = attachment.kind == AttachmentKind.PHOTO and attachment.taken_long_before(start)
        attachment.reuse_source = selectors.reuse_source(attachment) if attachment.reused_from_id else ""
        attachment.kept_reason = services.kept_reason(attachment, obj)
    may_add = target.may_add(request.user, obj)
    return {
        "request": request,
        "obj": obj,
        "title": title,
        "compact": compact,
        "photos": [a for a in attachments if a.kind == AttachmentKind.PHOTO],
        "documents": [a for a in attachments if a.kind != AttachmentKind.PHOTO],
        "may_add": may_add,
        "upload": upload and may_add,
        "form": AttachmentForm(target=target) if may_add else None,
        "shows_numbers": any(kind != AttachmentKind.PHOTO and kind != AttachmentKind.OTHER for kind in target.kinds),
        "content_type": ContentType.objects.get_for_model(type(obj)).pk,
        "period_start": start,
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    }
