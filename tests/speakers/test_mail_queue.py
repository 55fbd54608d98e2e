"""E-mail to speakers is queued in the database and sent by the task worker (speakers.mail): a
mail server that refuses connections delays it and loses none, and two workers never send one
message twice."""

import datetime
import threading
import time

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from speakers import mail
from speakers.models import Message
from tests.factories import make_speaker

pytestmark = pytest.mark.django_db


class RefusingSMTP(EmailBackend):
    """The test outbox (locmem), behind a mail server that refuses connections while `down`
    is set or for its next `refusals` attempts; it counts every attempt."""

    lock = threading.Lock()
    down = False
    refusals = 0
    attempts = 0
    delay = 0.0  # seconds each send takes, so that two workers overlap

    @classmethod
    def reset(cls, *, down=False, refusals=0, delay=0.0):
        cls.down, cls.refusals, cls.attempts, cls.delay = down, refusals, 0, delay

    def send_messages(self, messages):
        with self.lock:
            cls = type(self)
            cls.attempts += 1
            refused = cls.down or cls.refusals > 0
            cls.refusals = max(cls.refusals - 1, 0)
        if refused:
            raise ConnectionRefusedError(111, "Connection refused")
        time.sleep(self.delay)
        with self.lock:
            return super().send_messages(messages)


SMTP = override_settings(
    MAILERS={"default": {"BACKEND": "tests.speakers.test_mail_queue.RefusingSMTP"}}
)


@pytest.fixture
def smtp(mailoutbox):
    RefusingSMTP.reset()
    with SMTP:
        yield RefusingSMTP


def queue_messages(count):
    """`count` messages, each to a speaker of its own, as one transaction queues them."""
    with transaction.atomic():
        return [
            mail.queue(
                speaker=make_speaker(email=f"speaker{number}@example.org"),
                kind=Message.Kind.INVITATION,
                subject=f"Message {number}",
                body="Hello.",
            )
            for number in range(count)
        ]


def statuses():
    return sorted(Message.objects.values_list("status", "attempts"))


def sent_to(outbox):
    return sorted(message.to[0] for message in outbox)


def test_mail_queued_while_the_server_refuses_is_all_sent_once_it_is_back(smtp, mailoutbox):
    queue_messages(5)
    smtp.down = True

    assert mail.send_due() == 0

    assert mailoutbox == []
    assert statuses() == [(Message.Status.QUEUED, 1)] * 5
    assert set(Message.objects.values_list("last_error", flat=True)) == {
        "ConnectionRefusedError: [Errno 111] Connection refused"
    }
    smtp.down = False

    assert mail.send_due() == 5
    assert mail.send_due() == 0

    assert sent_to(mailoutbox) == [f"speaker{number}@example.org" for number in range(5)]
    assert statuses() == [(Message.Status.SENT, 2)] * 5
    assert smtp.attempts == 10


def test_invitations_sent_while_the_server_is_down_arrive_once_it_is_back(smtp, mailoutbox):
    from sessions.services.invitations import speakers_invite
    from tests.factories import make_conference, make_organizer, make_session, seat

    session = make_session(make_conference())
    for number in range(3):
        seat(session, make_speaker(name=f"Speaker {number}", email=f"s{number}@example.org"))
    smtp.down = True

    assert speakers_invite(user=make_organizer(), sessions=[session]) == 3
    assert mail.send_due() == 0
    smtp.down = False
    assert mail.send_due() == 3

    assert sent_to(mailoutbox) == ["s0@example.org", "s1@example.org", "s2@example.org"]
    assert {message.subject for message in mailoutbox} == {
        "Invitation to speak at National Immigrant Integration Conference 2014"
    }


def test_a_message_is_given_up_after_the_attempts_allowed(smtp, settings, mailoutbox):
    settings.NIIC_MAIL_ATTEMPTS = 2
    [message] = queue_messages(1)
    smtp.down = True

    mail.send_due()
    mail.send_due()
    smtp.down = False
    assert mail.send_due() == 0

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 2)
    assert mailoutbox == []


def test_a_failed_attempt_schedules_the_next_one_later(smtp):
    [message] = queue_messages(1)
    smtp.down = True

    mail.send_due()

    [retry] = DBTaskResult.objects.all()  # the first delivery's task waits for the commit
    assert retry.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert 55 <= (retry.run_after - retry.enqueued_at).total_seconds() <= 65


def test_fifty_messages_survive_an_smtp_outage(smtp, mailoutbox):
    """The queue with the server down for its first 120 attempts, then back: every message is
    sent once, none is lost or given up. (Figures printed with -s.)"""
    queue_messages(50)
    smtp.refusals = 120
    started = time.perf_counter()
    passes = []
    while Message.objects.exclude(status=Message.Status.SENT).exists():
        passes.append(mail.send_due())
    elapsed = time.perf_counter() - started

    assert len(mailoutbox) == len({message.to[0] for message in mailoutbox}) == 50
    assert passes == [0, 0, 30, 20]
    attempts = sorted(Message.objects.values_list("attempts", flat=True))
    assert attempts == [3] * 30 + [4] * 20
    assert smtp.attempts == 170
    print(
        f"\n50 messages, SMTP refused for the first 120 attempts: {len(passes)} passes "
        f"(sent per pass {passes}), {smtp.attempts} attempts, attempts per message "
        f"{min(attempts)}–{max(attempts)}, {elapsed:.2f} s, none lost, none sent twice"
    )


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_a_queued_message(smtp, mailoutbox):
    [message] = queue_messages(1)
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "speakers.tasks.deliver"

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert sent_to(mailoutbox) == ["speaker0@example.org"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent workers need PostgreSQL; SQLite serializes every writer",
)
def test_two_workers_send_each_message_exactly_once(smtp, mailoutbox):
    queue_messages(40)
    smtp.delay = 0.005
    barrier = threading.Barrier(2)
    counts = []

    def worker():
        try:
            barrier.wait()
            counts.append(mail.send_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 40
    assert sent_to(mailoutbox) == sorted(f"speaker{number}@example.org" for number in range(40))
    assert statuses() == [(Message.Status.SENT, 1)] * 40


@pytest.mark.django_db
def test_a_message_left_claimed_by_a_dead_worker_is_sent_once_its_claim_expires():
    from django.core import mail as outbox
    from django.utils import timezone

    speaker = make_speaker(email="stuck@example.org")
    stuck = Message.objects.create(
        speaker=speaker,
        kind=Message.Kind.REMINDER,
        to=speaker.email,
        language="en",
        subject="Stuck",
        body="Sent at last.",
        status=Message.Status.SENDING,
        claimed_at=timezone.now(),
    )
    assert mail.send_due() == 0  # another worker may still be sending it
    Message.objects.filter(pk=stuck.pk).update(
        claimed_at=timezone.now() - datetime.timedelta(seconds=mail.CLAIM_SECONDS + 1)
    )
    assert mail.send_due() == 1
    stuck.refresh_from_db()
    assert stuck.status == Message.Status.SENT
    assert [message.subject for message in outbox.outbox] == ["Stuck"]
