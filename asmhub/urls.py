from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from asmhub.api import api

handler403 = "asmhub.core.views.permission_denied"
handler404 = "asmhub.core.views.page_not_found"
handler500 = "asmhub.core.views.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("asmhub.core.urls")),
    path("accounts/", include("asmhub.accounts.urls")),
    path("taxonomy/", include("asmhub.taxonomy.urls")),
    path("directory/", include("asmhub.directory.urls")),
    path("library/", include("asmhub.library.urls")),
    path("funding/", include("asmhub.funding.urls")),
    path("calendar/", include("asmhub.calendar.urls")),
    path("monitoring/", include("asmhub.monitoring.urls")),
    path("convenings/", include("asmhub.convenings.urls")),
    path("reports/", include("asmhub.reports.urls")),
    path("strategy/", include("asmhub.strategy.urls")),
    path("briefs/", include("asmhub.briefs.urls")),
    path("outreach/", include("asmhub.outreach.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
# Uploaded files are never served from MEDIA_URL, where no permission is checked: each
# record that holds a file serves it through its own view (library: <slug>/file/).
