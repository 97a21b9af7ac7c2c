"""Adding and removing files: every path (pages, API, the workflow services that take files with a report or a
signature) comes through here, so the checks, the limits and the reuse flag hold everywhere."""

import dataclasses
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.models import Region, User, owning_region_id
from common.exceptions import ActionForbidden

from . import images, inspection
from .choices import AttachmentKind
from .models import Attachment
from .registry import target_for


@dataclasses.dataclass
class Checked:
    upload: object
    facts: inspection.Inspected
    photo: images.Photo | None


def check_files(files) -> list[Checked]:
    """Inspect every file before anything is stored; the messages of all refused files together."""
    checked, errors = [], []
    for upload in files:
        try:
            facts = inspection.inspect(upload)
            try:
                photo = images.analyse(upload) if facts.type.is_image else None
            except ValidationError as error:
                raise inspection.named(upload.name or "", error) from None
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        checked.append(Checked(upload, facts, photo))
    if errors:
        raise ValidationError(errors, code="file")
    return checked


def attach(
    *,
    actor: User | None,
    obj,
    files,
    kind: str = "",
    number: str = "",
    issued_on=None,
    check_permission: bool = True,
) -> list[Attachment]:
    """Keep ``files`` with ``obj``. All are checked first; either all are stored or none is."""
    target = target_for(obj)
    if check_permission and not target.may_add(actor, obj):
        refuse_actor(obj)
    files = list(files)
    if not files:
        raise ValidationError(_("Choose at least one file."), code="file")
    if kind and kind not in target.kinds:
        raise ValidationError(_("Files of this kind cannot be added here."), code="file")
    if target.check:
        target.check(kind, number, issued_on)
    checked = check_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            # Uploads to one object wait for each other, so two at once cannot pass the limits together.
            list(type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True))
            check_limits(obj, checked)
            added = [store(actor, obj, target, item, kind, number, issued_on, stored) for item in checked]
    except BaseException:
        storage = Attachment._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return added


def refuse_actor(obj):
    raise ActionForbidden(_("You may not add files to %(object)s now.") % {"object": obj})


def check_count(obj, adding: int):
    """``obj`` has room for ``adding`` more files."""
    limit = settings.ATTACHMENTS["MAX_OBJECT_FILES"]
    count = Attachment.objects.of(obj).count()
    if count + adding > limit:
        raise ValidationError(
            _("%(object)s has %(count)s files; at most %(limit)s may be kept with it.")
            % {"object": obj, "count": count, "limit": limit},
            code="file",
        )


def check_limits(obj, checked: list[Checked]):
    limits = settings.ATTACHMENTS
    check_count(obj, len(checked))
    existing = Attachment.objects.of(obj)
    total = (existing.aggregate(total=Sum("size"))["total"] or 0) + sum(item.facts.size for item in checked)
    if total > limits["MAX_OBJECT_BYTES"]:
        raise ValidationError(
            _("The files of %(object)s would come to %(size)s; at most %(limit)s may be kept with it.")
            % {"object": obj, "size": filesizeformat(total), "limit": filesizeformat(limits["MAX_OBJECT_BYTES"])},
            code="file",
        )
    digests = set(existing.values_list("sha256", flat=True))
    for item in checked:
        if item.facts.sha256 in digests:
            raise ValidationError(_("%(name)s is here already.") % {"name": item.facts.name}, code="file")
        digests.add(item.facts.sha256)


def store(actor, obj, target, item: Checked, kind, number, issued_on, stored: list[str]) -> Attachment:
    photo = item.photo
    if photo is not None and target.takes_photos and kind in ("", AttachmentKind.PHOTO):
        chosen = AttachmentKind.PHOTO
    else:
        chosen = kind if kind and kind != AttachmentKind.PHOTO else target.default_document_kind
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        region_id=owning_region_id(obj),
        kind=chosen,
        name=item.facts.name,
        media_type=item.facts.media_type,
        size=item.facts.size,
        sha256=item.facts.sha256,
        number=number if chosen != AttachmentKind.PHOTO else "",
        issued_on=issued_on if chosen != AttachmentKind.PHOTO else None,
        uploaded_by=actor,
    )
    attachment._history_user = actor
    item.upload.seek(0)
    attachment.file.save(item.facts.name, item.upload, save=False)
    stored.append(attachment.file.name)
    if photo is not None:
        attachment.width, attachment.height = photo.width, photo.height
        attachment.taken_at = photo.taken_at
        attachment.thumbnail.save("thumbnail.jpg", ContentFile(photo.thumbnail), save=False)
        stored.append(attachment.thumbnail.name)
        if chosen == AttachmentKind.PHOTO:
            attachment.image_hash = photo.image_hash
            attachment.reused_from_id = earlier_copy(attachment)
    attachment.save()
    return attachment


def comparison_regions(region_id):
    """The photos a new one is compared with: its region's and those of the regions below it (one contractor
    often serves several units of a region)."""
    if region_id is None:
        return {"region__isnull": True}
    return {"region__in": Region.objects.within(region_id).values("pk")}


def earlier_copy(attachment: Attachment) -> int | None:
    """The closest earlier photo of another object within ``REUSE_DISTANCE`` bits, or ``None``.

    The hashes are read in chunks and compared here: 64-bit popcounts are cheap, and the region's photo count bounds
    the work (``bench/attachments.py`` measures it)."""
    limit = settings.ATTACHMENTS["REUSE_DISTANCE"]
    candidates = (
        Attachment.objects.filter(image_hash__isnull=False, **comparison_regions(attachment.region_id))
        .exclude(content_type=attachment.content_type, object_id=attachment.object_id)
        .values_list("pk", "image_hash")
        .order_by()
    )
    best = None
    for pk, value in candidates.iterator(chunk_size=5000):
        gap = images.distance(attachment.image_hash, value)
        if gap <= limit and (best is None or (gap, pk) < best):
            best = (gap, pk)
    return best[1] if best else None


def remove(*, actor: User, attachment: Attachment):
    """Take a file away from its object while the object still takes files (a report not yet approved)."""
    parent = attachment.target
    if parent is None or not target_for(parent).may_add(actor, parent):
        raise ActionForbidden(_("You may not remove files from %(object)s now.") % {"object": parent})
    reason = kept_reason(attachment, parent)
    if reason:
        raise ActionForbidden(reason)
    attachment._history_user = actor
    attachment.delete()


def kept_reason(attachment: Attachment, parent) -> str:
    """Why ``attachment`` must stay with ``parent`` whoever asks (``Target.kept``), or ""."""
    target = target_for(parent)
    return target.kept(attachment, parent) if target.kept else ""


def discard_files(attachments: Iterable[Attachment]):
    """The stored files of attachments whose rows a rolled-back transaction took away (a page of reports refused
    after the photos of an earlier report were kept): nothing of a refused filing stays on the disk."""
    storage = Attachment._meta.get_field("file").storage
    for attachment in attachments:
        for field in (attachment.file, attachment.thumbnail):
            if field:
                storage.delete(field.name)
