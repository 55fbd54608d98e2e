"""The one staff page whose Content-Security-Policy is loosened."""

from django.conf import settings
from django.views.decorators.csp import csp_override


class ExportPageCSPMixin:
    """django-import-export's export page sets inline styles and an inline onchange handler;
    loosen the Content-Security-Policy for that one staff-only page so its "select all" works."""

    def export_action(self, request):
        policy = {
            **settings.SECURE_CSP,
            "style-src": ["'self'", "'unsafe-inline'"],
            "script-src-attr": ["'unsafe-inline'"],
        }
        return csp_override(policy)(super().export_action)(request)
