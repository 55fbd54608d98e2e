"""Real app servers and broken network endpoints for the deployment and fault tests.

AppServer runs the site as production does (gunicorn with niic/gunicorn.py, DEBUG off, static
files collected) on a free port of 127.0.0.1. RefusedPort, SilentListener and DatabaseProxy
stand in for a database that is down, one that accepts connections and never answers, and
one that goes away while the site is running."""

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SITE_HOST = "localhost"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def collect_static(static_root):
    """collectstatic into static_root, as a deployment does before starting app servers."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=PROJECT,
        env={**base_environment(), "DJANGO_STATIC_ROOT": str(static_root)},
        check=True,
        timeout=120,
    )


def base_environment():
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "NIIC_")) and key not in {"REDIS_URL"}
    }
    return {
        **inherited,
        "DJANGO_SECRET_KEY": "tests-" + secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def database_url(settings_dict):
    """The URL of the database this test process uses (its test database)."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


class Response:
    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    @property
    def text(self):
        return self.body.decode()

    def json(self):
        return json.loads(self.body)

    def cookie(self, name):
        for header, value in self.headers:
            if header.lower() == "set-cookie" and value.startswith(f"{name}="):
                return value.split(";", 1)[0].split("=", 1)[1]
        return None

    def header(self, name):
        return next((v for h, v in self.headers if h.lower() == name.lower()), None)


class AppServer:
    """gunicorn serving the site; use as a context manager."""

    def __init__(self, static_root, workers=1, **environment):
        self.port = free_port()
        self.environment = {
            **base_environment(),
            "DJANGO_STATIC_ROOT": str(static_root),
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": "off",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            **environment,
        }
        self.process = None
        self.log = b""

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(GUNICORN), "--config", "niic/gunicorn.py", "niic.wsgi"],
            cwd=PROJECT,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Its own process group, so that its workers can be killed with it (below).
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.process.stdout.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not start listening within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.log, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            # The workers too: killed alone, the master would leave a worker stuck on a silent
            # socket holding the log's pipe open, and reading the log would wait forever.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.log, _ = self.process.communicate(timeout=30)

    def workers(self):
        """The process ids of gunicorn's workers (the master's children)."""
        pid = self.process.pid
        return set(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())

    def reload(self, timeout=30):
        """A graceful reload, as a deployment does (`kill -HUP` of the master): returns once
        every worker has been replaced and the new ones listen."""
        old = self.workers()
        self.process.send_signal(signal.SIGHUP)
        count = int(self.environment["GUNICORN_WORKERS"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.workers()
            if len(now) == count and not now & old:
                time.sleep(1)  # the new workers import the site before they accept
                return
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not replace its workers")

    def request(self, method, path, body=None, headers=None, timeout=60):
        """Every server is asked for the site's one public host name, as behind a proxy."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            connection.request(
                method, path, body=body, headers={"Host": SITE_HOST, **(headers or {})}
            )
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        return Response(response.status, response.getheaders(), content, time.monotonic() - started)

    def get(self, path, headers=None, **kwargs):
        return self.request("GET", path, headers=headers, **kwargs)


class Browser:
    """Cookies and CSRF for talking to the admin of one site through any of its servers."""

    def __init__(self):
        self.cookies = {}

    def headers(self, extra=None):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {**({"Cookie": cookie} if cookie else {}), **(extra or {})}

    def keep_cookies(self, response):
        for header, value in response.headers:
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response

    def get(self, server, path):
        return self.keep_cookies(server.get(path, headers=self.headers()))

    def post(self, server, path, fields, files=None):
        """A form post as a browser makes it, with the CSRF token of the cookie."""
        fields = {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            for each in value if isinstance(value, list) else [value]:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{each}\r\n".encode()
                )
        for name, (filename, content, content_type) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = self.headers(
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": f"http://{SITE_HOST}{path}",
                "Origin": f"http://{SITE_HOST}",
            }
        )
        return self.keep_cookies(server.request("POST", path, body=body, headers=headers))


class RefusedPort:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""

    def __init__(self):
        self.port = free_port()


class SilentListener:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte: a hung database."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self.hold, daemon=True)

    def hold(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.held.append(connection)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        self.socket.close()
        for connection in self.held:
            connection.close()


class DatabaseProxy:
    """Forwards 127.0.0.1:port to the real service (a database, Redis) until cut(): then every
    open connection is dropped and new ones are refused, as when the server goes down. After
    silence() it answers nothing on any connection, open or new, as a server that hangs."""

    def __init__(self, host, port):
        self.upstream = (host, int(port))
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open = []
        self.lock = threading.Lock()
        self.silent = False

    def silence(self):
        self.silent = True

    def __enter__(self):
        threading.Thread(target=self.accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.cut()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.silent:
                with self.lock:
                    self.open.append(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    def pump(self, source, target):
        try:
            while data := source.recv(65536):
                if not self.silent:
                    target.sendall(data)
        except OSError:
            pass
        finally:
            for each in (source, target):
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)

    def cut(self):
        # Closing alone would leave the accept() in progress listening; shutdown stops it.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for each in self.open:
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)
                each.close()
            self.open = []
