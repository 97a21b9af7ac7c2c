from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Region


class DataVersion(models.Model):
    """One row whose ``version`` the database moves on every write to the portfolio's and the proposals' tables
    (triggers that ``versioning.install_triggers`` keeps in place after each migrate), and whose ``shared_version``
    moves on the writes to rows of no region (reference data, units, a deployment without regions), which every
    region's figures read. Cached figures are keyed by them (and by ``RegionVersion``), so none outlives the data it
    was computed from, whichever process or path wrote the data."""

    version = models.BigIntegerField(_("version"), default=0)
    shared_version = models.BigIntegerField(_("version of the rows of no region"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.version)


class RegionVersion(models.Model):
    """The data version of one region, moved by the same triggers: ``version`` with every write to a row of the
    region or of a region below it (its figures roll them up), ``own_version`` with the writes to the region's own
    rows only (the regions below read its plans and the projects it builds in them)."""

    # No constraint in the database: this bookkeeping never stands in the way of deleting a region (raw SQL included).
    region = models.OneToOneField(
        Region,
        verbose_name=_("region"),
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="data_version",
    )
    version = models.BigIntegerField(_("version"), default=0)
    own_version = models.BigIntegerField(_("version of the region's own rows"), default=0)

    class Meta:
        verbose_name = _("data version of a region")
        verbose_name_plural = _("data versions of regions")

    def __str__(self):
        return f"{self.region_id}: {self.version}"
