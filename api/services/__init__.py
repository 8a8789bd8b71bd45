"""Services: one transaction per call.

What a committed change sets off is wired here, once, for every caller (API, worker, CLI,
tests): the notifications and outbox it writes in its own transaction, then the live updates,
whose signal also leaves once it has committed.
"""

from actas.api.services import live, notify, recording

recording.on_change(notify.announce, live.announce_in_transaction)
recording.after_commit(live.announce_after_commit)
