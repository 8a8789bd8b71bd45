"""Services: one transaction per call.

What a committed change sets off is wired here, once, for every caller (API, worker, CLI,
tests): in its own transaction, the search index of the texts it wrote (terms, keyphrases and,
with the analytics extra, embeddings), the notifications and outbox, the end of its actor's
probable absence (they are back); then the live updates, whose signal also leaves once it has
committed.
"""

from actas.api.services import (
    embeddings,
    inferred_absences,
    live,
    notify,
    recording,
    search_index,
    themes,
)

recording.on_change(
    search_index.keep_index,
    themes.keep_keyphrases,
    embeddings.keep_embeddings,
    notify.announce,
    inferred_absences.end_on_action,
    live.announce_in_transaction,
)
recording.after_commit(live.announce_after_commit)
