"""Services: one transaction per call.

What a committed change sets off is wired here, once, for every caller (API, worker, CLI,
tests): in its own transaction, the search index of the texts it wrote, the notifications and
outbox, the end of its actor's probable absence (they are back); then the live updates, whose
signal also leaves once it has committed.
"""

from actas.api.services import inferred_absences, live, notify, recording, search_index

recording.on_change(
    search_index.keep_index,
    notify.announce,
    inferred_absences.end_on_action,
    live.announce_in_transaction,
)
recording.after_commit(live.announce_after_commit)
