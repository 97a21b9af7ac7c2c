"""The district assessment as the API answers it: the same figures as the page and the Excel table."""

from rest_framework import serializers

from common.bounds import YEAR_MAX, YEAR_MIN

from ..choices import AssessmentIndicator


class AssessmentQuerySerializer(serializers.Serializer):
    region = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="The assessing region; the caller's own by default."
    )
    year = serializers.IntegerField(
        required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, help_text="The current year by default."
    )


class ScaleSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=AssessmentIndicator.choices)
    weight = serializers.IntegerField()
    full_at = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="The value that earns the weight.")
    zero_at = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="The value that earns nothing.")


class IndicatorFigureSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=AssessmentIndicator.choices)
    measured = serializers.BooleanField(help_text="False while the platform keeps no data for it (notices).")
    value = serializers.FloatField(allow_null=True, help_text="Null when not measured or nothing to measure.")
    points = serializers.FloatField(allow_null=True, help_text="Null without rules, value or projects.")


class AdjustmentSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=4, decimal_places=1)
    reason = serializers.CharField()
    recorded_by = serializers.CharField(allow_null=True)
    recorded_at = serializers.DateTimeField()


class DistrictRowSerializer(serializers.Serializer):
    region = serializers.IntegerField()
    name = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True, help_text="Null while unscored (no rules, or no project).")
    projects = serializers.IntegerField(help_text="Top-level projects under way in the year.")
    indicators = IndicatorFigureSerializer(many=True)
    adjustments = AdjustmentSerializer(many=True)
    score = serializers.FloatField(allow_null=True)


class AssessmentSerializer(serializers.Serializer):
    region = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    as_of = serializers.DateField(help_text="The day the figures are taken on: the year's last day, or today.")
    rules = ScaleSerializer(many=True, allow_null=True, help_text="Null while the year has no assessment rules.")
    rows = DistrictRowSerializer(many=True)


def assessment_data(result) -> dict:
    """``assessment.district_assessment``'s result in the shape of ``AssessmentSerializer``."""
    rule = result.rule
    return {
        "region": result.region.pk,
        "name": result.region.name,
        "year": result.year,
        "as_of": result.as_of,
        "rules": [{"indicator": i.value, **vars(rule.scale(i))} for i in AssessmentIndicator] if rule else None,
        "rows": [
            {
                "region": row.region.pk,
                "name": row.region.name,
                "rank": row.rank,
                "projects": row.projects,
                "indicators": [
                    {
                        "indicator": figure.indicator.value,
                        "measured": figure.indicator.measured,
                        "value": figure.value,
                        "points": figure.points,
                    }
                    for figure in row.indicators
                ],
                "adjustments": [
                    {
                        "points": adjustment.points,
                        "reason": adjustment.reason,
                        "recorded_by": adjustment.recorded_by.display_name if adjustment.recorded_by else None,
                        "recorded_at": adjustment.last_updated,
                    }
                    for adjustment in row.adjustments
                ],
                "score": row.score,
            }
            for row in result.rows
        ],
    }
