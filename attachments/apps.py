from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Files kept with the portfolio's and the proposals' objects: site photos, documents, scans and letters."""

    name = "attachments"
    verbose_name = _("attachments")

    def ready(self):
        from pillow_heif import register_heif_opener

        from . import signals  # noqa: F401

        # Phones send HEIC; Pillow reads it through pillow-heif.
        register_heif_opener()
