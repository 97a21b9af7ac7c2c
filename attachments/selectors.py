"""Reading attachments: who may see a file, the files of an object, and a project's photos by month."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from accounts.models import User

from .models import Attachment
from .registry import registered_models, target_for


def parent_of(attachment: Attachment):
    """The object a file belongs to, archived or not (``all_objects`` where a model has it)."""
    model = attachment.content_type.model_class()
    if model not in registered_models():
        return None
    manager = getattr(model, "all_objects", model._default_manager)
    return manager.filter(pk=attachment.object_id).first()


def may_view(user: User, obj) -> bool:
    if obj is None or not user.is_authenticated or not user.can("view", obj):
        return False
    rule = target_for(obj).may_view
    return rule is None or rule(user, obj)


def readable_attachment(user: User, pk: int) -> tuple[Attachment, object]:
    """The attachment and its object, or 404 when either is missing or outside what the user may read (the same
    answer, so a file's existence says nothing about objects the user may not see)."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    parent = parent_of(attachment) if attachment else None
    if not may_view(user, parent):
        raise Http404
    return attachment, parent


def readable_object(user: User, content_type_id: int, object_id: int):
    """A registered object the user may read, or 404."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model not in registered_models():
        raise Http404
    manager = getattr(model, "all_objects", model._default_manager)
    obj = user.scope(manager.all()).filter(pk=object_id).first()
    if not may_view(user, obj):
        raise Http404
    return obj


def attachments_of(obj):
    target = target_for(obj)
    if target.before_listing is not None:
        target.before_listing(obj)
    return Attachment.objects.of(obj).select_related("uploaded_by", "reused_from__content_type")


def reuse_source(attachment: Attachment) -> str:
    """Where the earlier copy of a reused photo is kept, as the reviewer reads it."""
    earlier = attachment.reused_from
    if earlier is None:
        return ""
    parent = parent_of(earlier)
    return target_for(parent).describe(parent) if parent is not None else ""


def reuse_sources(attachments: Iterable[Attachment]) -> dict[int, str]:
    """``reuse_source`` for many photos at once (each with ``reused_from`` selected), by the reused photo's id: one
    query per kind of object the earlier copies belong to, however many photos are shown."""
    earlier = {attachment.pk: attachment.reused_from for attachment in attachments if attachment.reused_from_id}
    wanted = defaultdict(set)
    for copy in earlier.values():
        wanted[copy.content_type_id].add(copy.object_id)
    parents = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model not in registered_models():
            continue
        target = target_for(model)
        manager = getattr(model, "all_objects", model._default_manager)
        for parent in manager.filter(pk__in=ids).select_related(*target.describe_with):
            parents[content_type_id, parent.pk] = target.describe(parent)
    return {pk: parents.get((copy.content_type_id, copy.object_id), "") for pk, copy in earlier.items()}
