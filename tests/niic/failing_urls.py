"""The site's URLs plus one that fails, to see the error page a visitor gets."""

from django.urls import path

from niic import urls


def fail(request):
    raise RuntimeError("A failure for the error page test.")


urlpatterns = [path("en/fail/", fail), path("es/fail/", fail), *urls.urlpatterns]
handler404 = urls.handler404
handler500 = urls.handler500
