"""Expected failures, each with a stable code and a message meant for the person who caused it.

    DomainError
    ├── ValidationFailed      bad input; ``field`` names the input at fault
    ├── NotFound              absent, or present but hidden from the viewer (never distinguishable)
    ├── Forbidden             visible, but the viewer may not do this
    ├── InvalidTransition     the proposal's state does not allow this
    └── VersionConflict       the client edited a version that is no longer current

The GraphQL layer turns each into a typed member of a mutation's result union; anything else
is unexpected, masked and logged.
"""

from __future__ import annotations

from actas.api.catalogue import Message


class DomainError(Exception):
    code = "error"
    # The refusal as a catalogue message, for pages that speak the reader's language; the API
    # keeps ``message`` (English) and ``code``. None where no page shows it yet.
    words: Message | None = None

    def __init__(self, message: str, *, words: Message | None = None) -> None:
        super().__init__(message)
        self.message = message
        if words is not None:
            self.words = words


class ValidationFailed(DomainError):
    code = "validation"

    def __init__(
        self, message: str, *, field: str | None = None, words: Message | None = None
    ) -> None:
        super().__init__(message, words=words)
        self.field = field


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"No {what} {key!s} found.")
        self.what = what
        self.key = key


class Forbidden(DomainError):
    code = "forbidden"


class InvalidTransition(DomainError):
    code = "invalid_transition"

    def __init__(self, message: str, *, state: str, words: Message | None = None) -> None:
        super().__init__(message, words=words)
        self.state = state


class VersionConflict(DomainError):
    code = "version_conflict"

    def __init__(self, *, expected: int, current: int) -> None:
        super().__init__(
            f"The proposal is at version {current}, not {expected}: someone revised it since you "
            "loaded it. Reload, merge your change and try again."
        )
        self.expected = expected
        self.current = current
