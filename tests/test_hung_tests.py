"""A test that hangs fails, with the stack of where it hung, instead of holding the whole run
until CI gives up (pytest-timeout, configured in pyproject.toml)."""

import subprocess
import sys

from django.conf import settings


def test_the_suite_gives_each_test_five_minutes(pytestconfig):
    assert pytestconfig.getini("timeout") == "300"


def test_a_hanging_test_fails_with_the_stack_of_where_it_hangs(tmp_path):
    hanging = tmp_path / "test_hangs.py"
    hanging.write_text(
        "import threading\n\n\n"
        "def test_waits_for_a_lock_nobody_releases():\n"
        "    lock = threading.Lock()\n"
        "    lock.acquire()\n"
        "    lock.acquire()\n"
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "-c",
            str(settings.BASE_DIR / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-o",
            "timeout=2",
            str(hanging),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stdout
    assert "Timeout (>2.0s)" in run.stdout, run.stdout
    assert ">       lock.acquire()" in run.stdout
    assert "1 failed" in run.stdout
