from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from sessions import sitemap
from sessions.public_pages import Clock, public
from sessions.views import track_colours

from . import accounts, faults, media, speaker_space, views

admin.site.site_header = _("NIIC program administration")
admin.site.site_title = _("NIIC program")
admin.site.index_title = _("Curate the conference program")

# Staff password reset by e-mail. The admin's login page links to it because a URL named
# admin_password_reset exists; Django's reset views look up the other names.
urlpatterns = [
    path(
        "admin/password_reset/",
        accounts.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/password_reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/password_reset/complete/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("health/", faults.health, name="health"),
    path("preview/", views.preview_switch, name="preview-switch"),
    # Outside the language prefix: the same for every language. Public pages too (marked with
    # public(), as every public route is: sessions.public_pages).
    public(path("track-colours.css", track_colours, name="track-colours")),
    public(path("favicon.ico", views.favicon, name="favicon")),
    # The service worker, at the root so that it may keep every page (niic.offline).
    public(path("sw.js", views.service_worker, name="service-worker")),
]

# Public pages carry their language in the URL (/en/…, /es/…), so no cookie is ever needed to
# remember it and every page can be cached by any proxy.
# Every route of the public site is marked public(); the program's own are in sessions.urls.
urlpatterns += i18n_patterns(
    public(path("", views.home, name="home"), clock=Clock.ALWAYS, sitemap=sitemap.SITE_PAGE),
    public(path("editions/", views.edition_list, name="edition-list"), sitemap=sitemap.SITE_PAGE),
    public(
        path("editions/<slug:edition>/", views.edition_home, name="edition-home"),
        clock=Clock.ALWAYS,
        sitemap=sitemap.EDITION_PAGE,
    ),
    public(
        path("speakers/", views.speaker_list, name="speaker-list"),
        sitemap=sitemap.SITE_PAGE,
        parameters=views.SpeakerFilterForm.base_fields,
    ),
    public(
        path("speakers/<slug:speaker>/", views.speaker_detail, name="speaker-detail"),
        sitemap=sitemap.each_public_speaker,
    ),
    public(
        path(
            "organizations/<slug:organization>/",
            views.organization_detail,
            name="organization-detail",
        ),
        sitemap=sitemap.each_public_organization,
    ),
    # Results for whatever a visitor types: nothing for a search engine to list.
    public(path("search/", views.search, name="search"), parameters=views.SearchForm.base_fields),
    # A speaker's own page, signed in with the link e-mailed to them: private, never cached.
    path("speaker/", speaker_space.speaker_space, name="speaker-space"),
    path("speaker/link/", speaker_space.link_request, name="speaker-link-request"),
    path("speaker/profile/", speaker_space.profile_save, name="speaker-profile-save"),
    path("speaker/seats/<int:seat>/", speaker_space.answer_save, name="speaker-seat-answer"),
    path("speaker/sign-out/", speaker_space.sign_out, name="speaker-sign-out"),
    path("", include("sessions.urls")),
    # Offline at the venue (niic.offline): the app's manifest, the page shown for a page never
    # stored, and the list of pages the service worker keeps.
    public(path("manifest.webmanifest", views.web_manifest, name="web-manifest")),
    public(path("offline/", views.offline_page, name="offline")),
    public(path("offline/pages.json", views.offline_pages, name="offline-pages")),
)

if not settings.MEDIA_BUCKET:
    # Photos on this server's disk (with a bucket, their URLs point at the bucket).
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/{media.PHOTO_FOLDER}/<str:name>",
            media.speaker_photo,
            name="speaker-photo",
        )
    )

# Friendly, translated error pages in the URL's language, with a way back; a database outage
# is a 503 to wait out (niic.faults).
handler404 = "niic.views.page_not_found"
handler500 = faults.unavailable_or_server_error
