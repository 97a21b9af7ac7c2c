from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("job", "Queued")
    RUNNING = "running", pgettext_lazy("job", "Running")
    DONE = "done", pgettext_lazy("job", "Done")
    FAILED = "failed", pgettext_lazy("job", "Failed")

    @property
    def color(self) -> str:
        return {"queued": "secondary", "running": "info", "done": "success", "failed": "danger"}[self.value]

    @classmethod
    def finished(cls) -> tuple[str, ...]:
        return (cls.DONE, cls.FAILED)


class JobKind(models.TextChoices):
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
