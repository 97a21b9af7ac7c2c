from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")

    @property
    def color(self) -> str:
        return {"queued": "secondary", "running": "info", "done": "success", "failed": "danger"}[self.value]

    @classmethod
    def finished(cls) -> tuple[str, ...]:
        return (cls.DONE, cls.FAILED)


class JobKind(models.TextChoices):
    EXPORT = "export", _("Export")
