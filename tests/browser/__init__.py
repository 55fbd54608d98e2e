"""Browser tests: Debian's Chromium driven through Playwright, against pytest-django's live
server. They skip, saying why, on a machine without Chromium (CI sets NIIC_NO_SKIPS=1)."""

import shutil
from pathlib import Path

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = "Chromium is not installed (apt-get install chromium); browser tests skipped"


def find_chromium():
    """The path of the Chromium to drive, or None when this machine has none."""
    if DEBIAN_CHROMIUM.exists():
        return str(DEBIAN_CHROMIUM)
    return shutil.which("chromium")
