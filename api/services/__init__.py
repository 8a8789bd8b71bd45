"""Services: one transaction per call.

What a committed change sets off is wired here, once, for every caller (API, worker, CLI,
tests): the notifications and outbox it writes in its own transaction, the end of its actor's
probable absence (they are back), then the live updates, whose signal also leaves once it has
committed.
"""

from actas.api.services import inferred_absences, live, notify, recording

recording.on_change(notify.announce, inferred_absences.end_on_action, live.announce_in_transaction)
recording.after_commit(live.announce_after_commit)
