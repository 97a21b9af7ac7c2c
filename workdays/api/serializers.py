from rest_framework import serializers

from ..models import SpecialDay


class SpecialDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = SpecialDay
        fields = ["id", "date", "kind", "holiday", "provisional", "note"]
