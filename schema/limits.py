"""What protects the API from expensive or probing requests: depth, alias, token and error caps,
the cost of a query and its token's hourly budget (``schema/cost.py``), parser and validation
caches, optional introspection, and error masking that also hides the field suggestions ("Did
you mean …?") through which a private schema would leak."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from typing import Any

from graphql import ExecutionResult, GraphQLError
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.types.graphql import OperationType

from actas.api.domain.errors import DomainError
from actas.api.services.ratelimit import Spending, TokenBudgets
from actas.api.settings import Settings
from actas.schema.cost import QueryCost, query_cost

log = logging.getLogger("actas.graphql")
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def is_expected(error: GraphQLError) -> bool:
    """Errors the client should read: GraphQL's own (syntax, validation, our ClientError) and
    the domain's. Anything else is a bug: logged, and masked in the response."""
    original = error.original_error
    return original is None or isinstance(original, (DomainError, GraphQLError))


class ExpectedErrorsInOneLine(logging.Filter):
    """strawberry logs every error of a response at ERROR with its traceback: one request with
    ten bad fields wrote ~30 KB. A client's error (syntax, validation, a refused argument, a
    domain refusal) becomes one INFO line; an unexpected one is dropped here because
    ``MaskUnexpectedErrors`` logs it once, with its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if not isinstance(error, GraphQLError):
            return True
        if not is_expected(error):
            return False
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.msg, record.args = "GraphQL error for the client: %s", (error.message,)
        record.exc_info = record.exc_text = None
        return True


ONE_LINE = ExpectedErrorsInOneLine()


class MaskUnexpectedErrors(MaskErrors):
    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        log.error("Unexpected error in %s", error.path, exc_info=error.original_error)
        return super().anonymise_error(error)


class ErrorHygiene(SchemaExtension):
    """Keeps at most ``max_errors`` errors and, if asked, strips schema suggestions from them."""

    def __init__(self, *, max_errors: int, hide_suggestions: bool) -> None:
        self.max_errors = max_errors
        self.hide_suggestions = hide_suggestions

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.pre_execution_errors:
            context.pre_execution_errors = self._clean(context.pre_execution_errors)
        result = context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = self._clean(errors)

    def _clean(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        kept = errors[: self.max_errors]
        if self.hide_suggestions:
            for error in kept:
                error.message = SUGGESTION.sub("", error.message)
        return kept


RATE_LIMITED = "RATE_LIMITED"


class QueryBudget(SchemaExtension):
    """Prices the operation before it runs (no SQL for a refused one), refuses it above
    ``max_cost`` nodes or with a bad argument (too long, an impossible id), spends its points
    from the token's hourly budget, and reports both in the response's ``extensions`` (with
    GitHub's names: ``cost``, ``rateLimit``)."""

    def __init__(self, *, settings: Settings, budgets: TokenBudgets) -> None:
        self.settings = settings
        self.budgets = budgets
        self.cost: QueryCost | None = None
        self.spending: Spending | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        refusal = await self._price_and_spend()
        if (
            refusal is not None
            and self.execution_context.operation_type is OperationType.SUBSCRIPTION
        ):
            raise refusal  # a subscription ignores a result set here; strawberry sends this
        if refusal is not None:
            self.execution_context.result = ExecutionResult(data=None, errors=[refusal])
        yield

    async def _price_and_spend(self) -> GraphQLError | None:
        """Why the operation may not run, if it may not."""
        context = self.execution_context
        assert context.graphql_document is not None
        self.cost = query_cost(
            context.schema._schema,
            context.graphql_document,
            operation_name=context.operation_name,
            variables=context.variables,
            max_argument_length=self.settings.max_argument_length,
        )
        refusal = self._refusal(self.cost)
        viewer = getattr(context.context, "viewer", None)
        user_id = viewer.user_id if viewer is not None else 0
        if refusal is not None or self.cost is None or not user_id:
            return refusal
        self.spending = await self.budgets.spend(user_id, self.cost.points)
        if self.spending is not None and not self.spending.allowed:
            return _rate_limited(self.spending)
        return None

    def _refusal(self, cost: QueryCost | None) -> GraphQLError | None:
        if cost is None:
            return None
        if cost.bad_arguments:
            return GraphQLError(cost.bad_arguments[0].message, extensions={"code": "BAD_ARGUMENT"})
        if cost.nodes > self.settings.max_cost:
            return GraphQLError(
                f"This query may return up to {cost.nodes} nodes; the limit is "
                f"{self.settings.max_cost}. Ask for smaller pages (`first`) or fewer nested "
                "connections.",
                extensions={"code": "MAX_COST_EXCEEDED"},
            )
        return None

    def get_results(self) -> dict[str, Any]:
        # A subscription's every message would repeat what it cost to start: say it to nobody.
        if self.cost is None or self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            return {}
        results: dict[str, Any] = {
            "cost": {"requested": self.cost.nodes, "limit": self.settings.max_cost}
        }
        if self.spending is not None:
            results["rateLimit"] = {
                "limit": self.spending.limit,
                "remaining": self.spending.remaining,
                "resetAt": self.spending.reset_at_iso,
                "cost": self.spending.cost,
            }
        return results


def _rate_limited(spending: Spending) -> GraphQLError:
    return GraphQLError(
        f"This query costs {spending.cost} point{'s' if spending.cost != 1 else ''} and you "
        f"have {spending.remaining} of {spending.limit} left this hour, across all your tokens; "
        f"the budget is whole again at {spending.reset_at_iso}.",
        extensions={"code": RATE_LIMITED, "retryAfter": spending.retry_after},
    )


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Extension factories (a fresh instance per request; the caches are shared).

    The validation rules are built once: the validation cache is keyed by the rule classes, and
    strawberry's depth and alias limiters would make new classes for every request."""
    rules: list[type[ASTValidationRule]] = [
        query_depth_limiter.create_validator(settings.max_depth, None),
        max_aliases.create_validator(settings.max_aliases),
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    logging.getLogger("strawberry.execution").addFilter(ONE_LINE)  # once: filters are a set
    factories: list[Callable[[], SchemaExtension]] = [
        partial(ParserCache, maxsize=512),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=512),
        partial(QueryBudget, settings=settings, budgets=TokenBudgets(settings)),
        partial(MaskUnexpectedErrors, should_mask_error=lambda e: not is_expected(e)),
        partial(
            ErrorHygiene,
            max_errors=settings.max_errors,
            hide_suggestions=not settings.introspection,
        ),
    ]
    return factories
