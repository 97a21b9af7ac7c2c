from django.contrib import admin
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from common.views import favicon, letter_fonts

urlpatterns = [
    path("", include("projects.urls")),
    path("", include("proposals.urls")),
    path("", include("reports.urls")),
    path("", include("accounts.urls")),
    path("", include("attachments.urls")),
    path("", include("notifications.urls")),
    path("", include("jobs.urls")),
    path("", include("workdays.urls")),
    path("", include("supervision.urls")),
    # The language switch must work on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("css/letter-fonts.css", letter_fonts, name="letter-fonts"),
    # Namespaced: the router names its routes project-list, project-detail… like the pages do.
    path("api/v1/", include(("config.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs page is for people: without a login it sends them to the login page rather than answering 401.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
]

# The error pages in the site's layout and language; under /api/ JSON like the API's own errors.
handler400 = "common.errors.bad_request"
handler403 = "common.errors.permission_denied"
handler404 = "common.errors.page_not_found"
handler500 = "common.errors.server_error"
