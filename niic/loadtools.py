"""What `make bench` and `make loadtest` share: the site on gunicorn as production runs it, and
wrk (Debian's package) to load it over loopback."""

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PROJECT = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
HOST = "127.0.0.1"


class ToolMissing(RuntimeError):
    pass


def wrk_path():
    return shutil.which("wrk")


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def collect_static(static_root):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_STATIC_ROOT": str(static_root)},
        check=True,
    )


class Gunicorn:
    """The site on gunicorn (niic/gunicorn.py) on a free loopback port; a context manager.
    With `task_worker`, the task worker runs beside it as `make run` starts it (db_worker), and
    renders the most-read pages after each change (niic.warming) for this server's address."""

    def __init__(self, static_root, workers=2, task_worker=False, **environment):
        self.port = free_port()
        self.task_worker = task_worker
        self.worker_process = None
        self.environment = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": "off",
            "HOST": HOST,
            "PORT": str(self.port),
            **environment,
        }
        self.process = None

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603  (our own command line)
            [str(GUNICORN), "--config", "niic/gunicorn.py", "niic.wsgi"],
            cwd=PROJECT,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Each in its own process group, killed whole if it does not stop (below).
            start_new_session=True,
        )
        if self.task_worker:
            self.worker_process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker"],
                cwd=PROJECT,
                env={**self.environment, "NIIC_SITE_URL": self.base_url},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited on start; run `make run` to see why")
            try:
                if self.request("GET", "/health/").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /health/ within 30 s")

    def __exit__(self, *exc):
        for process in (self.process, self.worker_process):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)

    def request(self, method, path, headers=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            response.body = response.read()
            return response
        finally:
            connection.close()


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def run_wrk(url, seconds, connections=4, headers=None):
    """wrk against one URL for a fixed time, on one thread (the machine serves as well)."""
    wrk = wrk_path()
    if wrk is None:
        raise ToolMissing("wrk is not installed (Debian: apt-get install wrk)")
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603  (our own command line)
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(group) for group in match.groups())
    return WrkResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        requests=requests,
        errors=errors,
    )
