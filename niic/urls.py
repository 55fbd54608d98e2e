from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from sessions.views import track_colours

from . import views

admin.site.site_header = _("NIIC program administration")
admin.site.site_title = _("NIIC program")
admin.site.index_title = _("Curate the conference program")

urlpatterns = [
    path("admin/", admin.site.urls),
    # Outside the language prefix: the same for every language.
    path("track-colours.css", track_colours, name="track-colours"),
    path("favicon.ico", views.favicon, name="favicon"),
]

# Public pages carry their language in the URL (/en/…, /es/…), so no cookie is ever needed to
# remember it and every page can be cached by any proxy.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("editions/", views.edition_list, name="edition-list"),
    path("editions/<slug:edition>/", views.edition_home, name="edition-home"),
    path("speakers/", views.speaker_list, name="speaker-list"),
    path("speakers/<slug:speaker>/", views.speaker_detail, name="speaker-detail"),
    path(
        "organizations/<slug:organization>/", views.organization_detail, name="organization-detail"
    ),
    path("search/", views.search, name="search"),
    path("", include("sessions.urls")),
)

# Friendly, translated error pages in the URL's language, with a way back.
handler404 = "niic.views.page_not_found"
handler500 = "niic.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
