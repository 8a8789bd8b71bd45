"""What protects the API from expensive or probing requests: depth, alias, token and error caps,
parser and validation caches, optional introspection, and error masking that also hides the
field suggestions ("Did you mean …?") through which a private schema would leak."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from functools import partial

from graphql import GraphQLError
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

from actas.api.domain.errors import DomainError
from actas.api.settings import Settings

log = logging.getLogger("actas.graphql")
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def is_expected(error: GraphQLError) -> bool:
    """Errors the client should read: GraphQL's own (syntax, validation, our ClientError) and
    the domain's. Anything else is a bug: logged, and masked in the response."""
    original = error.original_error
    return original is None or isinstance(original, (DomainError, GraphQLError))


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
    factories: list[Callable[[], SchemaExtension]] = [
        partial(ParserCache, maxsize=512),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=512),
        partial(MaskUnexpectedErrors, should_mask_error=lambda e: not is_expected(e)),
        partial(
            ErrorHygiene,
            max_errors=settings.max_errors,
            hide_suggestions=not settings.introspection,
        ),
    ]
    return factories
