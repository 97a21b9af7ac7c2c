from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Attachment


@receiver(post_delete, sender=Attachment)
def delete_stored_files(sender, instance, **kwargs):
    """A purged attachment's files go once the deletion has committed (a rolled-back purge keeps them)."""
    names = [field.name for field in (instance.file, instance.thumbnail) if field]
    storage = instance.file.storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
