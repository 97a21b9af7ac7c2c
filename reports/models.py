from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region
from common import bounds
from common.bounds import text_field
from common.models import TimestampedModel

from .choices import AssessmentIndicator


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


WEIGHT_HELP = _("Points out of 100 this indicator is worth; the four weights add up to 100.")
FULL_AT_HELP = _("The value that earns the whole weight; a better value earns no more.")
ZERO_AT_HELP = _(
    "The value that earns nothing; a worse value earns nothing either. Between the two values the points scale in "
    "a straight line."
)


def _weight(label):
    return models.PositiveSmallIntegerField(
        label, default=0, validators=[MaxValueValidator(100)], help_text=WEIGHT_HELP
    )


def _scale_value(label, help_text):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text=help_text,
    )


# An indicator's fields on the rule: ``lag_weight``, ``lag_full_at``, ``lag_zero_at``…
SCALE_PARTS = ("weight", "full_at", "zero_at")


@dataclass(frozen=True)
class Scale:
    """One indicator's weight and the values that earn all of it and none of it."""

    weight: int
    full_at: Decimal
    zero_at: Decimal

    def points(self, value) -> float | None:
        """The points ``value`` earns: the weight times how far the value has come from ``zero_at`` towards
        ``full_at`` (lower-is-better indicators simply have ``full_at`` below ``zero_at``); None without a value."""
        if value is None:
            return None
        share = (float(value) - float(self.zero_at)) / (float(self.full_at) - float(self.zero_at))
        return round(self.weight * min(1.0, max(0.0, share)), 1)


class AssessmentRule(TimestampedModel):
    """考核细则: how a region's office scores the regions directly below it in a year (区县考核) — a weight for each
    indicator and the two values between which its points scale. The office keeps one per year."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("assessing region"),
        on_delete=models.PROTECT,
        related_name="assessment_rules",
        help_text=_("The city (or other region) whose office assesses the regions directly below it."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=bounds.year_validators())
    lag_weight = _weight(_("average lag: weight"))
    lag_full_at = _scale_value(_("average lag: full marks at"), FULL_AT_HELP)
    lag_zero_at = _scale_value(_("average lag: zero at"), ZERO_AT_HELP)
    late_weight = _weight(_("late milestones: weight"))
    late_full_at = _scale_value(_("late milestones: full marks at"), FULL_AT_HELP)
    late_zero_at = _scale_value(_("late milestones: zero at"), ZERO_AT_HELP)
    reports_weight = _weight(_("reports on time: weight"))
    reports_full_at = _scale_value(_("reports on time: full marks at"), FULL_AT_HELP)
    reports_zero_at = _scale_value(_("reports on time: zero at"), ZERO_AT_HELP)
    notices_weight = _weight(_("notices on time: weight"))
    notices_full_at = _scale_value(_("notices on time: full marks at"), FULL_AT_HELP)
    notices_zero_at = _scale_value(_("notices on time: zero at"), ZERO_AT_HELP)

    history = HistoricalRecords()

    region_path = "region"

    class Meta:
        ordering = ["region", "-year"]
        verbose_name = _("assessment rules")
        verbose_name_plural = _("assessment rules")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="assessment_rule_one_per_year",
                violation_error_message=_("This region has assessment rules for this year already."),
            ),
            models.CheckConstraint(
                condition=Q(
                    lag_weight=Value(100) - F("late_weight") - F("reports_weight") - F("notices_weight"),
                ),
                name="assessment_rule_weights_add_up",
                violation_error_message=_("The four weights must add up to 100."),
            ),
            *(
                models.CheckConstraint(
                    condition=~Q(**{f"{key}_full_at": F(f"{key}_zero_at")}),
                    name=f"assessment_rule_{key}_scale_open",
                    violation_error_message=_("Full marks and zero cannot be at the same value."),
                )
                for key in AssessmentIndicator.values
            ),
            bounds.year_range("year", name="assessment_rule_year_in_range"),
        ]

    def __str__(self):
        return _("%(region)s assessment rules %(year)s") % {"region": self.region, "year": self.year}

    def get_absolute_url(self):
        return f"{reverse('assessment')}?{urlencode({'region': self.region_id, 'year': self.year})}"

    def scale(self, indicator: str) -> Scale:
        return Scale(*(getattr(self, f"{indicator}_{part}") for part in SCALE_PARTS))


class AssessmentAdjustment(TimestampedModel):
    """加减分: points the office adds to or takes from one region's score in the year's assessment, with the reason."""

    rule = models.ForeignKey(
        AssessmentRule, verbose_name=_("assessment rules"), on_delete=models.CASCADE, related_name="adjustments"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="assessment_adjustments",
        help_text=_("A region directly below the assessing region."),
    )
    points = models.DecimalField(
        _("points"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("Added to the score; a deduction is negative (−2.0)."),
    )
    reason = text_field(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    region_path = "rule__region"

    class Meta:
        ordering = ["rule", "region", "created", "pk"]
        verbose_name = _("addition or deduction")
        verbose_name_plural = _("additions and deductions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="assessment_adjustment_has_reason",
                violation_error_message=_("An addition or deduction needs its reason."),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=-100, points__lte=100) & ~Q(points=0),
                name="assessment_adjustment_points_in_range",
                violation_error_message=_("Points are between −100 and 100, and not 0."),
            ),
            bounds.texts_in_range({"reason": bounds.TEXT_MAX}, name="assessment_adjustment_reason_in_range"),
        ]

    def __str__(self):
        return f"{self.region} {self.points:+}"

    def clean(self):
        super().clean()
        if self.rule_id and self.region_id and self.region.parent_id != self.rule.region_id:
            raise ValidationError(
                {
                    "region": _("%(region)s is not directly below %(assessing)s.")
                    % {"region": self.region, "assessing": self.rule.region}
                }
            )
