"""Choices of the working-day calendar: English codes as stored values, translated labels, a badge colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")  # 放假
    WORKED = "worked", _("Weekend day worked")  # 调休上班

    @property
    def color(self):
        return {"day_off": "danger", "worked": "primary"}[self.value]


class Holiday(models.TextChoices):
    """The public holidays of 《全国年节及纪念日放假办法》, in the order of the year."""

    NEW_YEAR = "new_year", _("New Year's Day")
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
    QINGMING = "qingming", _("Qingming Festival")
    LABOUR_DAY = "labour_day", _("Labour Day")
    DRAGON_BOAT = "dragon_boat", _("Dragon Boat Festival")
    MID_AUTUMN = "mid_autumn", _("Mid-Autumn Festival")
    NATIONAL_DAY = "national_day", _("National Day")
    # A one-off day the State Council declares (2015's 抗战胜利70周年纪念日); the note says which.
    OTHER = "other", _("Other")
