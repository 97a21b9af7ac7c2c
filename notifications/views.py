"""The notification centre: the list, opening one (marks it read), marking all read, and the channel settings."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from . import selectors, services
from .filtersets import NotificationFilterSet
from .models import Notification


class NotificationListView(ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        mine = selectors.notification_list(user=self.request.user)
        self.filterset = NotificationFilterSet(self.request.GET, queryset=mine)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        unread_only = self.request.GET.get("unread") == "true"
        return super().get_context_data(filterset=self.filterset, unread_only=unread_only, **kwargs)


class NotificationOpenView(View):
    """Follow a notification's link, marking it read; only the recipient's own (anyone else's is not found)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        services.mark_read(request.user, [notification])
        url = notification.url
        if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            url = reverse("notification-list")
        return HttpResponseRedirect(url)


class NotificationReadAllView(View):
    http_method_names = ["post", "options"]

    def post(self, request):
        count = services.mark_read(request.user)
        messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
        return HttpResponseRedirect(reverse("notification-list"))


class NotificationSettingsView(TemplateView):
    """Which kinds reach the user by which channel: a grid of checkboxes (the centre itself always gets all)."""

    template_name = "notifications/settings.html"
    http_method_names = ["get", "post", "head", "options"]

    def get_context_data(self, **kwargs):
        columns, rows = selectors.preference_grid(self.request.user)
        return super().get_context_data(columns=columns, rows=rows, **kwargs)

    def post(self, request, *args, **kwargs):
        enabled = set()
        for name in request.POST:
            kind, _sep, channel = name.partition(":")
            if channel:
                enabled.add((kind, channel))
        services.set_preferences(user=request.user, enabled=enabled)
        messages.success(request, _("Your notification settings were saved."))
        return HttpResponseRedirect(reverse("notification-settings"))
