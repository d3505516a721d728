from django.conf import settings
from django.conf.urls.static import static
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
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.ASMHUB_SERVE_MEDIA:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
