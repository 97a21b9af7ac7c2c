"""Units and people: the organisations that own data, the users who log in, and what their roles let them do."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import ActiveManager, ArchivableModel, TimestampedModel

from .choices import OrganizationKind, RegionLevel, Role

REGION_CODE_REGEX = r"^[1-9][0-9]{5}$"
# The kinds of unit that can be a region's smart-city office: a government body, or the leading group's office.
OFFICE_KINDS = (OrganizationKind.DEPARTMENT, OrganizationKind.OTHER)


class RegionQuerySet(models.QuerySet):
    def within(self, region: "Region | int"):
        """``region`` (or its id) and every region under it (the tree is at most province → city → county → zone
        deep)."""
        pk = getattr(region, "pk", region)
        return self.filter(Q(pk=pk) | Q(parent=pk) | Q(parent__parent=pk) | Q(parent__parent__parent=pk))


class Region(TimestampedModel):
    """An administrative division (行政区划): a province, a city, a district or county, or a functional zone under its
    city. The official code (GB/T 2260) is an attribute, not the key: codes change when divisions are redrawn (区划
    调整), and zones have none."""

    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel)
    code = models.CharField(
        _("division code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(REGION_CODE_REGEX, _("A division code is six digits, e.g. 330211."))],
        help_text=_("The six-digit code of GB/T 2260 (e.g. 330211); development zones and new areas have none."),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # A region has at most one smart-city office (智慧办) and one CPPCC (政协), each a unit of the region itself.
    office = models.OneToOneField(
        "Organization",
        verbose_name=_("smart-city office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="office_of_region",
    )
    cppcc = models.OneToOneField(
        "Organization",
        verbose_name=_("CPPCC"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cppcc_of_region",
    )

    objects = RegionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="region_code_unique",
                violation_error_message=_("Another region has this division code."),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="region_name_unique_under_parent",
                violation_error_message=_("A region of this name is already under this parent."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="region_top_level_name_unique",
                violation_error_message=_("A top-level region of this name exists already."),
            ),
            models.CheckConstraint(
                condition=Q(code="") | Q(code__regex=REGION_CODE_REGEX),
                name="region_code_six_digits",
                violation_error_message=_("A division code is six digits, e.g. 330211."),
            ),
            models.CheckConstraint(
                condition=~Q(level=RegionLevel.ZONE) | Q(code=""),
                name="region_zone_has_no_code",
                violation_error_message=_("Development zones and new areas have no division code."),
            ),
            models.CheckConstraint(
                condition=Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | (~Q(level=RegionLevel.PROVINCE) & Q(parent__isnull=False)),
                name="region_only_provinces_at_the_top",
                violation_error_message=_("A province is at the top; every other region is under another."),
            ),
        ]

    def __str__(self):
        return self.name

    def ancestors(self) -> list["Region"]:
        """The regions above this one, nearest first (宁波市, 浙江省 for 镇海区)."""
        chain, region = [], self.parent
        while region is not None and len(chain) < 4:
            chain.append(region)
            region = region.parent
        return chain

    def clean(self):
        super().clean()
        errors = {}
        if self.parent_id is not None:
            parent = self.parent
            if parent.level not in RegionLevel.parent_levels().get(self.level, ()):
                errors["parent"] = _("A %(level)s cannot be under a %(parent)s.") % {
                    "level": self.get_level_display(),
                    "parent": parent.get_level_display(),
                }
            elif self.pk is not None and parent.pk in Region.objects.within(self).values_list("pk", flat=True):
                errors["parent"] = _("A region cannot be under itself or a region below it.")
            elif self.code and parent.code and not self.code.startswith(division_prefix(parent)):
                errors["code"] = _("The code %(code)s does not lie within %(parent)s (%(parent_code)s).") % {
                    "code": self.code,
                    "parent": parent,
                    "parent_code": parent.code,
                }
        for name, unit, kinds in (
            ("office", self.office, OFFICE_KINDS),
            ("cppcc", self.cppcc, (OrganizationKind.CPPCC,)),
        ):
            if unit is None:
                continue
            if self.pk is None or unit.region_id != self.pk:
                errors[name] = _("%(unit)s is not a unit of this region.") % {"unit": unit}
            elif unit.kind not in kinds:
                errors[name] = _("%(unit)s is a %(kind)s: it cannot be the region's %(role)s.") % {
                    "unit": unit,
                    "kind": unit.get_kind_display(),
                    "role": self._meta.get_field(name).verbose_name,
                }
        if errors:
            raise ValidationError(errors)


PER_REGION_UNIQUE = "unique_in_region"


def per_region_unique(*fields: str, name: str, message) -> list[models.UniqueConstraint]:
    """``fields`` unique within a region, and among the rows of no region (a deployment without regions). A model
    with these constraints takes ``PerRegionUniqueMixin`` so that a clash is reported under the field, not the form."""
    common = {"violation_error_message": message, "violation_error_code": PER_REGION_UNIQUE}
    return [
        models.UniqueConstraint(fields=["region", *fields], condition=Q(region__isnull=False), name=name, **common),
        models.UniqueConstraint(
            fields=list(fields), condition=Q(region__isnull=True), name=f"{name}_no_region", **common
        ),
    ]


class PerRegionUniqueMixin:
    """Reports a ``per_region_unique`` clash under its field (``code``), as Django does for a unique field."""

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            for constraint in self._meta.constraints:
                if getattr(constraint, "violation_error_code", None) != PER_REGION_UNIQUE:
                    continue
                field = constraint.fields[-1]
                clashes = [e for e in errors.get(NON_FIELD_ERRORS, []) if e.code == PER_REGION_UNIQUE]
                for clash in clashes:
                    if str(clash.message) == str(constraint.get_violation_error_message()):
                        errors[NON_FIELD_ERRORS].remove(clash)
                        errors.setdefault(field, []).append(clash)
            raise ValidationError({key: value for key, value in errors.items() if value}) from error


def division_prefix(region: Region) -> str:
    """The leading digits that every code within ``region`` shares: 33 for 330000 浙江省, 3302 for 330200 宁波市."""
    return region.code[: {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4}.get(region.level, 6)]


class Organization(ArchivableModel, TimestampedModel):
    """A unit: a government department, a district, a company, a CPPCC body."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind, default=OrganizationKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )

    objects = ActiveManager()
    all_objects = models.Manager()
    history = HistoricalRecords()

    region_path = "region"

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

    region_path = "organization__region"

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
        """Superusers and office staff write any unit's data (of their region); everyone else their own unit's."""
        return self.is_superuser or self.has_role(Role.OFFICE)

    @cached_property
    def region(self) -> "Region | None":
        """The region of the user's unit: what the user reads (with the regions below) and writes."""
        return self.organization.region if self.organization_id else None

    @cached_property
    def region_scope(self) -> "RegionScope":
        return RegionScope.of(self)

    def scope(self, queryset, action: str = "view", located: bool = True):
        """The rows of ``queryset`` this user may ``action``, by region (``RegionScope``); the model permission and
        the own-unit rule are ``can``'s. ``located=False`` leaves out the projects merely built in the user's regions:
        what the user's totals count."""
        return self.region_scope.filter(queryset, action, located)

    def can(self, action: str, target) -> bool:
        """May this user ``view``/``add``/``change``/``delete`` this model (a class) or this object?

        The model permission comes from the user's groups. An object must lie in the user's region scope
        (``RegionScope``: read the own region and those below, write the own region). Writes to an object that has an
        owning unit (``owner_organization_id``) are further limited to the user's own unit unless the user sees all
        units.
        """
        model = target if isinstance(target, type) else type(target)
        opts = model._meta
        if not self.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return False
        if isinstance(target, type):
            return True
        if not self.region_scope.allows(target, action):
            return False
        if action == "view" or self.sees_all_units:
            return True
        # Objects that belong to no unit (reference data, proposals) are governed by the model permission alone.
        if not hasattr(target, "owner_organization_id"):
            return True
        owner_id = target.owner_organization_id
        return owner_id is not None and owner_id == self.organization_id


class RegionScope:
    """Which regions' data a user reads and writes — 一级管一级 — the one rule of pages, API, exports, imports,
    reminders and the dashboard.

    A model says where its rows belong with ``region_path`` (``"project__region"``); models without one (reference
    data such as domains and funding sources) are shared by every region. A user reads the own region and every region
    below it, writes only the own region, and reads the rows of the regions above only where the model is
    ``readable_from_below`` (plans guide the districts). A project built in a region (``location_path``) shows there
    read-only. A user whose unit has no region works with the rows of no region: a deployment without regions is one
    office, as before. The superuser has no bounds.
    """

    def __init__(self, own: "Region | None", readable: frozenset[int], above: frozenset[int], unbounded: bool = False):
        self.own = own
        self.readable = readable
        self.above = above
        self.unbounded = unbounded

    @classmethod
    def of(cls, user) -> "RegionScope":
        if user.is_superuser:
            return cls(None, frozenset(), frozenset(), unbounded=True)
        own = user.region
        if own is None:
            return cls(None, frozenset(), frozenset())
        readable = frozenset(Region.objects.within(own).values_list("pk", flat=True))
        above = frozenset(ancestor.pk for ancestor in own.ancestors())
        return cls(own, readable, above)

    @property
    def key(self):
        """What the scope adds to a cache key of figures computed within it."""
        if self.unbounded:
            return "all"
        return self.own.pk if self.own else "none"

    def region_ids(self, model, action: str) -> frozenset[int]:
        if action != "view":
            return frozenset({self.own.pk}) if self.own else frozenset()
        if getattr(model, "readable_from_below", False):
            return self.readable | self.above
        return self.readable

    def condition(self, model, action: str = "view", located: bool = True) -> Q | None:
        """The rows of ``model`` in scope as a filter; None for every row."""
        path = getattr(model, "region_path", None)
        if path is None or self.unbounded:
            return None
        if self.own is None:
            return Q(**{f"{path}__isnull": True})
        condition = Q(**{f"{path}__in": self.region_ids(model, action)})
        location = getattr(model, "location_path", None)
        if location and action == "view" and located:
            condition |= Q(**{f"{location}__in": self.readable})
        return condition

    def filter(self, queryset, action: str = "view", located: bool = True):
        condition = self.condition(queryset.model, action, located)
        return queryset if condition is None else queryset.filter(condition)

    def allows(self, obj, action: str = "view") -> bool:
        model = type(obj)
        if getattr(model, "region_path", None) is None or self.unbounded:
            return True
        region_id = owning_region_id(obj)
        if self.own is None:
            return region_id is None
        if region_id in self.region_ids(model, action):
            return True
        location = getattr(model, "location_path", None)
        return bool(location) and action == "view" and follow(obj, location) in self.readable


def follow(obj, path: str):
    """The id at the end of ``path`` (``"project__region"``) from ``obj``; None where a link is empty."""
    *links, last = path.split("__")
    for link in links:
        obj = getattr(obj, link, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


def owning_region_id(obj) -> int | None:
    """The region an object belongs to: its own ``owning_region_id`` where it works that out (an unsaved project takes
    its lead unit's), else where its ``region_path`` leads."""
    if hasattr(obj, "owning_region_id"):
        return obj.owning_region_id
    return follow(obj, type(obj).region_path)
