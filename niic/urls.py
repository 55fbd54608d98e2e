from django.conf import settings
from django.contrib import admin
from django.urls import path

from . import views

admin.site.site_header = "NIIC program administration"
admin.site.site_title = "NIIC program"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
