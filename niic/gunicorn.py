"""Gunicorn settings: `gunicorn -c niic/gunicorn.py niic.wsgi` (what `make run` does).

Every value can be changed from the environment; the README's configuration table lists them.
Graceful restarts: `kill -HUP <master pid>` starts new workers with fresh code and lets the
old ones finish their requests (up to graceful_timeout); `kill -TERM` stops the same way."""

import datetime
import json
import logging
import os

from gunicorn import glogging

from niic.logs import JsonFormatter

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: each one serves a request at a time. Two per core suits a site whose pages come
# mostly from the cache; raise it on a larger machine.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# A request still running after this is killed with its worker. The database statement timeout
# (DJANGO_DB_STATEMENT_TIMEOUT) is shorter, so a slow query ends in a 503 first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Behind a reverse proxy that keeps connections open.
keepalive = 5
# Workers are not replaced after a number of requests unless this is set: what a worker keeps
# is bounded (NIIC_PAGE_MEMORY_MB, bounded caches), and under a rush two workers reaching the
# count together left none serving while new ones started (p99 1 s instead of 5 ms with the
# count at 5,000). When set, each worker's count is jittered by up to half of it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 2
# Access log: one JSON object per request on stdout ("" or "off" turns it off).
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG", "-") in {"", "off"} else "-"
errorlog = "-"
# Several instances may run on one machine (make loadtest, the deployment tests); nothing here
# uses gunicorn's control socket, and a shared default path would make them collide.
control_socket_disable = True


class JsonLogger(glogging.Logger):
    """Gunicorn's own log lines and its access log as JSON, like the application's logs."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))  # access() writes JSON

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        entry = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING") or None,
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


logger_class = JsonLogger
