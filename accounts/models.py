"""Units and people: the organisations that own data, the users who log in, and what their roles let them do."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import ActiveManager, ArchivableModel, TimestampedModel

from .choices import OrganizationKind, Role


class Organization(ArchivableModel, TimestampedModel):
    """A unit: a government department, a district, a company, a CPPCC body."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind, default=OrganizationKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = ActiveManager()
    all_objects = models.Manager()
    history = HistoricalRecords()

    class Meta:
        default_manager_name = "all_objects"
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """How a unit is named where space is short: its short name, else its full name."""
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("organization-detail", args=[self.pk])

    def with_subordinates(self):
        """This unit and the units under it, two levels down (a district, its bureaus, their offices)."""
        return Organization.objects.filter(Q(pk=self.pk) | Q(parent=self) | Q(parent__parent=self))


class User(AbstractUser):
    """A person who logs in; belongs to one organisation; roles are the Django groups named in ``Role``."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.groups.filter(name__in=Role.values).values_list("name", flat=True))

    @property
    def display_name(self) -> str:
        """Chinese order, family name first: 王静."""
        return f"{self.last_name}{self.first_name}".strip() or self.username

    @property
    def role_labels(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.roles]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def sees_all_units(self) -> bool:
        """Superusers and office staff may write any unit's data; everyone else only their own unit's."""
        return self.is_superuser or self.has_role(Role.OFFICE)

    def can(self, action: str, target) -> bool:
        """May this user ``view``/``add``/``change``/``delete`` this model (a class) or this object?

        The model permission comes from the user's groups; writes to an object that has an owning unit
        (``owner_organization_id``) are further limited to the user's own unit unless the user sees all units.
        """
        model = target if isinstance(target, type) else type(target)
        opts = model._meta
        if not self.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return False
        if action == "view" or isinstance(target, type) or self.sees_all_units:
            return True
        # Objects that belong to no unit (reference data, proposals) are governed by the model permission alone.
        if not hasattr(target, "owner_organization_id"):
            return True
        owner_id = target.owner_organization_id
        return owner_id is not None and owner_id == self.organization_id
