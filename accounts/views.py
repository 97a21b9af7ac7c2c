"""A user's own account: the API tokens of their devices, to see and revoke."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from knox.models import AuthToken

from . import services


class ApiTokensView(TemplateView):
    """我的 API 令牌: each device's token with when it was issued and when it expires; revoke one, or all."""

    template_name = "registration/api_tokens.html"
    http_method_names = ["get", "post", "head", "options"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tokens=AuthToken.objects.filter(user=self.request.user).order_by("-created"),
            now=timezone.now(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "revoke_all" in request.POST:
            count = services.api_tokens_revoke(user=request.user)
        else:
            count = services.api_tokens_revoke(user=request.user, digest=request.POST.get("revoke", "")[:128])
        if count:
            messages.success(
                request, _("Revoked %(count)d token(s): those devices must log in again.") % {"count": count}
            )
        else:
            messages.info(request, _("No such token: it was revoked or had expired already."))
        return HttpResponseRedirect(reverse("api-tokens"))
