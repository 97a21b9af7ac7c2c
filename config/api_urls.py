"""Every app's API under /api/v1/, in one namespace (``api:project-list``, ``api:proposal-list``…)."""

from accounts.api.urls import urlpatterns as account_urls
from attachments.api.urls import urlpatterns as attachment_urls
from notifications.api.urls import urlpatterns as notification_urls
from projects.api.urls import urlpatterns as portfolio_urls
from proposals.api.urls import urlpatterns as proposal_urls
from reports.api.urls import urlpatterns as report_urls
from supervision.api.urls import urlpatterns as supervision_urls
from workdays.api.urls import urlpatterns as workday_urls

urlpatterns = [
    *account_urls,
    *attachment_urls,
    *notification_urls,
    *portfolio_urls,
    *proposal_urls,
    *report_urls,
    *supervision_urls,
    *workday_urls,
]
