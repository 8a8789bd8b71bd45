"""Expected failures as typed members of mutation results, and client errors that are never masked.

A mutation returns its object or one of these types; a frontend matches on ``__typename`` and
shows ``message``. The domain's ``DomainError`` hierarchy maps onto them one to one.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import strawberry
from graphql import GraphQLError

from actas.api.domain import errors as domain
from actas.schema.types.enums import ProposalState

P = ParamSpec("P")
R = TypeVar("R")


class ClientError(GraphQLError):
    """A request the client can fix (a bad cursor, page size or id); shown, never masked."""


@strawberry.interface(description="An expected failure: the message says what to fix.")
class Error:
    message: str
    code: str


@strawberry.type(description="The input is invalid; `field` names the input at fault.")
class ValidationError(Error):
    field: str | None


@strawberry.type(description="Nothing with that id exists that you can see.")
class NotFoundError(Error):
    pass


@strawberry.type(description="You can see this but may not do that.")
class ForbiddenError(Error):
    pass


@strawberry.type(description="The proposal's state does not allow this.")
class InvalidTransitionError(Error):
    # The enum, as on Proposal, so one query can select both `state`s of a result union.
    state: ProposalState = strawberry.field(description="The proposal's state now.")


@strawberry.type(description="Someone revised the proposal since you loaded it.")
class VersionConflictError(Error):
    expected_version: int
    current_version: int


MutationError = (
    ValidationError | NotFoundError | ForbiddenError | InvalidTransitionError | VersionConflictError
)


def as_error(error: domain.DomainError) -> MutationError:
    match error:
        case domain.ValidationFailed():
            return ValidationError(message=error.message, code=error.code, field=error.field)
        case domain.NotFound():
            return NotFoundError(message=error.message, code=error.code)
        case domain.Forbidden():
            return ForbiddenError(message=error.message, code=error.code)
        case domain.InvalidTransition():
            return InvalidTransitionError(
                message=error.message, code=error.code, state=ProposalState(error.state)
            )
        case domain.VersionConflict():
            return VersionConflictError(
                message=error.message,
                code=error.code,
                expected_version=error.expected,
                current_version=error.current,
            )
    raise TypeError(f"unmapped domain error {type(error).__name__}")


def returns_errors(
    resolver: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R | MutationError]]:
    """Turn the domain's expected failures raised by ``resolver`` into result members."""

    @functools.wraps(resolver)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | MutationError:
        try:
            return await resolver(*args, **kwargs)
        except domain.DomainError as error:
            return as_error(error)

    return wrapper
