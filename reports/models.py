from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose ``version`` the database moves on every write to the portfolio's and the proposals' tables
    (triggers that ``versioning.install_triggers`` keeps in place after each migrate). Cached figures are keyed by
    it, so none outlives the data it was computed from, whichever process or path wrote the data."""

    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.version)
