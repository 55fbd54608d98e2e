"""Signals any app may send; tracks is the lowest layer, so every app can import them."""

import django.dispatch

# Sent after a write that reaches the public program but emits no model signals of its own
# (QuerySet.update(), bulk_create(), raw SQL): whatever serves the program from a cache listens,
# so that no page is served stale. Send it inside the writing transaction; listeners act once it
# commits. Arguments: `using`, the database alias written to (optional, default "default").
program_changed = django.dispatch.Signal()
