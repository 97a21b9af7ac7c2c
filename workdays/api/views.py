from rest_framework import viewsets

from ..filtersets import SpecialDayFilterSet
from ..models import SpecialDay
from . import serializers


class SpecialDayViewSet(viewsets.ReadOnlyModelViewSet):
    """The calendar's public holidays (``day_off``) and weekend days worked in their place (``worked``, 调休);
    every other day is a working day from Monday to Friday. ``year=2026`` lists one year. Kept on the site's
    working-day calendar page."""

    queryset = SpecialDay.objects.all()
    serializer_class = serializers.SpecialDaySerializer
    filterset_class = SpecialDayFilterSet
    ordering_fields = ["date"]
