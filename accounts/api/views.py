"""The API of units and people: who am I, the tokens of a user's devices, and the regions."""

from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from .. import services
from ..filtersets import RegionFilterSet
from ..models import Region
from . import serializers


class MeView(APIView):
    """Who am I: username, roles and unit."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=serializers.MeSerializer)
    def get(self, request):
        return Response(serializers.MeSerializer(request.user).data)


class TokenView(APIView):
    """Exchange a username and password for an API token of this device. The token expires (``expiry``); logging out
    (``auth/logout/``), the user's own page of tokens and a change of password revoke it. Five wrong passwords lock
    the username out from that address, as on the login page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    @extend_schema(request=AuthTokenSerializer, responses=serializers.TokenSerializer, auth=[])
    def post(self, request):
        # REST framework's serializer authenticates with the request, so django-axes counts and locks the attempts.
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        instance, token = services.api_token_issue(user=credentials.validated_data["user"])
        return Response(serializers.TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class LogoutView(APIView):
    """Revoke the token this request is authenticated with (this device logs out)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            services.api_tokens_revoke(user=request.user, digest=request.auth.digest)
        return Response(status=204)


class LogoutAllView(APIView):
    """Revoke every token of this user (every device logs out)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.api_tokens_revoke(user=request.user)
        return Response(status=204)


class RegionViewSet(ReadOnlyModelViewSet):
    """Regions (行政区划): provinces, cities, districts and counties with their GB/T 2260 codes, and the development
    zones and new areas under their cities. ``within=<id>`` lists a region and everything under it."""

    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilterSet
    ordering_fields = ["code", "name", "level"]
