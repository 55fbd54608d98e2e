"""Tests that need a service outside Python (Redis, Chromium) skip with a plain reason on a
machine without it; CI sets NIIC_NO_SKIPS=1 so that there such a skip fails instead."""

import os
import socket

import pytest


def skip_unless(available, reason):
    if available:
        return
    if os.environ.get("NIIC_NO_SKIPS"):
        pytest.fail(f"{reason} — NIIC_NO_SKIPS is set, so this test group must run.")
    pytest.skip(reason)


def redis_is_listening(host="127.0.0.1", port=6379):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
