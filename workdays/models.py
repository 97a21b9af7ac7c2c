import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.bounds import date_validators, dates_in_range
from common.models import TimestampedModel

from .choices import DayKind, Holiday


class SpecialDay(TimestampedModel):
    """A day that is not as Monday to Friday would have it: a public holiday (法定节假日, 放假) or a weekend day worked
    in its place (调休上班), as the State Council's notice for the year arranges them. Every other day is a working day
    from Monday to Friday. Shared by every region: the calendar is national."""

    date = models.DateField(_("date"), validators=date_validators)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind)
    holiday = models.CharField(_("holiday"), max_length=20, choices=Holiday)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Not yet checked against the State Council's notice for the year."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                name="workdays_specialday_unique_date",
                violation_error_message=_("This date is already in the calendar: edit it instead."),
                violation_error_code="unique",  # shown under the date, not above the form
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values),
                name="workdays_specialday_kind_valid",
                violation_error_message=_("Choose whether the day is off or worked."),
            ),
            dates_in_range("date", name="workdays_specialday_date_range"),
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_holiday_display()} {self.get_kind_display()}"

    @property
    def kind_color(self) -> str:
        return DayKind(self.kind).color

    def get_absolute_url(self):
        return reverse("workday-year", args=[self.date.year])

    def clean(self):
        # Only a Saturday or a Sunday can be worked in a holiday's place: a weekday is worked anyway.
        if self.kind == DayKind.WORKED and isinstance(self.date, datetime.date) and self.date.weekday() < 5:
            raise ValidationError({"kind": _("Only a Saturday or a Sunday can be a weekend day worked.")})
