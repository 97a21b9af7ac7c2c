from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import Role
from ..models import Region, User


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True, default=None)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "roles", "organization", "organization_name"]

    def get_roles(self, user) -> list[str]:
        return [role for role in Role.values if role in user.roles]


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_('Send it as "Authorization: Token <token>"; it is shown this once.'))
    expiry = serializers.DateTimeField(help_text=_("When the token stops working; ask for a new one before."))


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "level", "code", "parent", "office", "cppcc", "created", "last_updated"]
