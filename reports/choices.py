from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssessmentIndicator(models.TextChoices):
    """What the district assessment (区县考核) scores; ``AssessmentRule`` holds a weight and a scale for each."""

    LAG = "lag", _("Average lag behind plan")
    LATE = "late", _("Late milestones")
    REPORTS = "reports", _("Progress reports on time")
    NOTICES = "notices", _("Supervision notices answered on time")

    @property
    def measured(self) -> bool:
        # Supervision notices (督办通知) are not kept yet: that indicator has no value, hence no points, until they are.
        return self is not AssessmentIndicator.NOTICES

    @property
    def unit(self) -> str:
        units = {"lag": pgettext_lazy("percentage", "points"), "late": pgettext_lazy("count of", "milestones")}
        return units.get(self.value, "%")
