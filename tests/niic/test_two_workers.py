"""`make run` serves two gunicorn workers without Redis: what one worker keeps for a later
request (an upload waiting for its confirmation, the password reset counts) must be there when
the other worker takes that request. Without REDIS_URL the cache is a table in the database
(settings.CACHES), made by createcachetable as `make run` does.

The site is served by real gunicorn workers on a SQLite file, as `make run` serves it (in the
PostgreSQL run too: the test database there is shared with the suite's own transactions)."""

import re

from tests.niic.conftest import PASSWORD
from tests.servers import AppServer, Browser

TOKEN = re.compile(r'name="token" value="([0-9a-f]{32})"')


def test_two_workers_without_redis_share_uploads_and_the_reset_limit(site, collected_static):
    # tests.servers.base_environment leaves REDIS_URL out, as `make run` has none.
    with AppServer(collected_static, workers=2, **site) as server:
        browser = Browser()
        browser.get(server, "/admin/login/")
        signed_in = browser.post(
            server, "/admin/login/?next=/admin/", {"username": "organizer", "password": PASSWORD}
        )
        assert (signed_in.status, signed_in.header("Location")) == (302, "/admin/"), signed_in.text[
            signed_in.text.find("errornote") - 20 :
        ][:400]

        page = "/admin/program/session/import/"
        confirmed = []
        for number in range(1, 9):
            browser.get(server, page)
            content = f"edition,slug,title_en\nniic-2014,opening-plenary,Opening {number}\n"
            preview = browser.post(
                server,
                page,
                {},
                files={"spreadsheet": ("program.csv", content.encode(), "text/csv")},
            )
            assert preview.status == 200, preview.text
            token = TOKEN.search(preview.text)[1]
            done = browser.post(server, page, {"token": token})
            confirmed.append((done.status, done.header("Location")))
        assert confirmed == [(302, "/admin/program/session/")] * 8

        reset = []
        for _request in range(12):
            anonymous = Browser()
            anonymous.get(server, "/admin/password_reset/")
            answer = anonymous.post(
                server, "/admin/password_reset/", {"email": "somebody@example.org"}
            )
            reset.append(answer.status)
        assert reset == [302] * 5 + [429] * 7
