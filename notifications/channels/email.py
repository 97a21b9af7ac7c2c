"""E-mail: the notifications waiting for one address in one message."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import NotificationKind
from ..reminders import link
from .base import Channel, absolute


class EmailChannel(Channel):
    label = gettext_lazy("E-mail")
    digest = True

    def kinds(self):
        # The daily reminders already go by e-mail from send_reminders, as they always have.
        return [kind for kind in NotificationKind.values if kind != NotificationKind.REMINDER]

    def addresses(self, users):
        return {user.pk: user.email for user in users if user.email}

    def send(self, address, deliveries):
        notifications = [delivery.notification for delivery in deliveries]
        if len(notifications) == 1:
            subject = f"[{settings.SITE_TITLE}] {notifications[0].title}"
        else:
            subject = _("[%(site)s] %(count)d new notifications") % {
                "site": settings.SITE_TITLE,
                "count": len(notifications),
            }
        body = render_to_string(
            "notifications/email.txt",
            {
                "notifications": [(item, absolute(item.url)) for item in notifications],
                "site": settings.SITE_TITLE,
                "centre": link(reverse("notification-list")),
            },
        )
        EmailMessage(subject, body.strip() + "\n", to=[address]).send()
