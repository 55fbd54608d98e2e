"""Organizer text made safe for where it leaves the site: an XML 1.0 document (the exports, the
Atom feed) and a response header (a download's file name).

The models refuse control characters (tracks.validators), but rows stored before a validator
existed, or written around it, may still hold them, and one such character must not make a
public file fail for everyone: here it is dropped, never raised on."""

import re
import unicodedata
from urllib.parse import quote

# Characters XML 1.0 cannot carry, even escaped (its Char production): the C0 controls other
# than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The path and wildcard characters of Windows and Unix, which no file name may hold.
NOT_IN_FILE_NAME = re.compile(r'[/\\:*?"<>|]')
# A file name in the quoted `filename=` of the header, for clients that read no `filename*`.
NOT_IN_ASCII_FILE_NAME = re.compile(r"[^A-Za-z0-9 ._-]")
FALLBACK_FILE_NAME = "download"


def xml_safe(value):
    """`value` as text with every character XML 1.0 forbids dropped."""
    return NOT_IN_XML.sub("", str(value))


def safe_file_name(name):
    """The name with control and format characters and line and paragraph separators dropped,
    and path or wildcard characters replaced, so that no client saves it anywhere but where the
    visitor chose."""
    kept = "".join(
        char for char in name if unicodedata.category(char)[0] != "C" and char not in "\u2028\u2029"
    )
    return NOT_IN_FILE_NAME.sub("_", kept).strip(" .") or FALLBACK_FILE_NAME


def attachment_header(file_name):
    """A Content-Disposition value (RFC 6266) that offers the file under `file_name`, made of
    printable ASCII only, so that no character of an organizer's text can end or split the
    header: `filename=` an ASCII approximation, `filename*=` the name itself in UTF-8,
    percent-encoded (RFC 8187), which clients that read it prefer."""
    name = safe_file_name(file_name)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = NOT_IN_ASCII_FILE_NAME.sub("_", ascii_name).strip(" .") or FALLBACK_FILE_NAME
    if ascii_name == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
