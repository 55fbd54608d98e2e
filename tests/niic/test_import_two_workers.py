"""An import's upload waits for its confirmation in the database (speakers.SpreadsheetUpload),
not in a worker's memory nor in a cache that culls: through two real gunicorn workers without
Redis, as `make run` serves, every upload is found by whichever worker takes its correction and
its confirmation."""

import re

from tests.niic.conftest import PASSWORD
from tests.servers import AppServer, Browser

TOKEN = re.compile(r'name="token" value="([0-9a-f]{32})"')


def test_eight_uploads_corrected_and_confirmed_across_two_workers(site, collected_static):
    with AppServer(collected_static, workers=2, **site) as server:
        browser = Browser()
        browser.get(server, "/admin/login/")
        signed_in = browser.post(
            server, "/admin/login/?next=/admin/", {"username": "organizer", "password": PASSWORD}
        )
        assert signed_in.status == 302

        page = "/admin/program/session/import/"
        answers = []
        for number in range(1, 9):
            browser.get(server, page)
            # A typo of the main hall's Spanish name: its cure is offered, accepted, confirmed.
            content = (
                "edition,slug,title_en,room\n"
                f"niic-2014,closing-plenary,Closing {number},Salon principa\n"
            )
            preview = browser.post(
                server,
                page,
                {},
                files={"spreadsheet": ("program.csv", content.encode(), "text/csv")},
            )
            assert preview.status == 200, preview.text
            token = TOKEN.search(preview.text)[1]
            accepted = browser.post(server, page, {"token": token, "accept": "2:room"})
            done = browser.post(server, page, {"token": token})
            answers.append((accepted.status, done.status, done.header("Location")))
        assert answers == [(200, 302, "/admin/program/session/")] * 8
