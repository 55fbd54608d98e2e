"""Speaker photos, served by the app itself when they are stored on its disk (the embedded
default; with DJANGO_MEDIA_BUCKET they come from the bucket instead).

Only what the site could have put there is served: a file directly under MEDIA_ROOT/speakers
whose name ends in an accepted extension, whose first bytes are that image type and whose size
is within the upload limit. Anything else is a 404, so the route cannot be used to read other
files or to serve a file a browser would take for HTML.

Visitors get only the resized copies that pages show (speakers.photos); an uploaded original is
sent to staff only (the admin links to it), never kept by a shared cache. A name starting with a
dot is never one the site gives (speakers.photos.photo_name), so it is refused and logged."""

import logging
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from speakers.photos import FOLDER, is_copy_name
from speakers.validators import MAX_PHOTO_BYTES

logger = logging.getLogger(__name__)

# Magic numbers of the accepted image types (speakers.validators accepts these extensions).
SIGNATURES = {
    "jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}
PHOTO_FOLDER = FOLDER
# A replaced photo is stored under a new name, so a day is safe; the ETag covers the rest.
MAX_AGE = 60 * 60 * 24


@require_safe
def speaker_photo(request, name):
    if "/" in name or "\\" in name or "\x00" in name:
        raise Http404("No such photo.")
    if name.startswith("."):
        logger.warning("Photo %r refused: the site never stores a name starting with a dot.", name)
        raise Http404("No such photo.")
    original = not is_copy_name(name)
    if original and not request.user.is_staff:
        raise Http404("No such photo.")
    extension = name.rpartition(".")[2].lower()
    if extension not in SIGNATURES:
        raise Http404("No such photo.")
    folder = (Path(settings.MEDIA_ROOT) / PHOTO_FOLDER).resolve()
    path = (folder / name).resolve()
    if path.parent != folder:
        raise Http404("No such photo.")
    try:
        stat = path.stat()
        if not path.is_file() or stat.st_size > MAX_PHOTO_BYTES:
            raise Http404("No such photo.")
        content_type, matches = SIGNATURES[extension]
        with path.open("rb") as photo:
            if not matches(photo.read(12)):
                raise Http404("No such photo.")
    except OSError as error:
        raise Http404("No such photo.") from error

    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    last_modified = int(stat.st_mtime)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = not_modified or FileResponse(path.open("rb"), content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"{'private' if original else 'public'}, max-age={MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
