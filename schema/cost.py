"""What a query may cost, known before it runs: GitHub's node model.

A connection field may return ``first`` nodes (its default page size when ``first`` is absent),
each of which resolves its own selection: nested connections multiply. ``nodes(ids:)`` may return
one node per id. Objects, scalars and plain lists (a proposal's versions, a viewer's
organisations: their length is bounded by the data, not by the query) count nothing of their
own. A query's *nodes* are the sum over its connections of ``first`` times the nodes its
enclosing connections may return; its *points*, what the rate limit spends, are
``max(1, ceil(nodes / 100))`` as on GitHub.

The analysis walks the parsed document with graphql-core's ``TypeInfo`` once variables are known
(``first: $first`` matters), so it runs after validation, right before execution: the validation
cache is keyed by query and rules, not by variables. The same walk measures string arguments
(search text, cursors, slugs), so a megabyte of search text is refused as bad input instead of
reaching the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLScalarType,
    GraphQLSchema,
    ListValueNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    Undefined,
    ValueNode,
    VariableNode,
    Visitor,
    get_named_type,
    get_nullable_type,
    visit,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.utilities import get_operation_ast, value_from_ast

from actas.schema import ids

NODES_PER_POINT = 100


@dataclass(frozen=True)
class BadArgument:
    """An argument refused before execution: too long, or an id the API never gave out."""

    field: str
    argument: str
    problem: str

    @property
    def message(self) -> str:
        return f"`{self.argument}` of `{self.field}` {self.problem}."


@dataclass(frozen=True)
class QueryCost:
    nodes: int
    bad_arguments: tuple[BadArgument, ...] = ()

    @property
    def points(self) -> int:
        return max(1, math.ceil(self.nodes / NODES_PER_POINT))


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    max_argument_length: int,
) -> QueryCost | None:
    """The cost of the operation the request runs, or None when its variables do not fit their
    types (execution then refuses the request with graphql-core's own message, running nothing)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    given = dict(variables or {})
    coerced = get_variable_values(schema, operation.variable_definitions or (), given)
    if isinstance(coerced, list):  # the variables' errors
        return None
    values = coerced.coerced if isinstance(coerced, VariableValues) else coerced
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, values, given, max_argument_length)
    counter = walk.count(operation)
    return QueryCost(nodes=counter.nodes, bad_arguments=tuple(walk.bad_arguments))


class _Walk:
    """One analysis: the document's fragments, costed once each per unit multiplier (a
    fragment's nodes scale with the multiplier where it is spread)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        raw_variables: Mapping[str, Any],
        max_argument_length: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_argument_length = max_argument_length
        self.raw_variables = raw_variables
        self.fragment_nodes: dict[str, int] = {}
        self.bad_arguments: list[BadArgument] = []

    def count(self, definition: ExecutableDefinitionNode) -> _NodeCounter:
        type_info = TypeInfo(self.schema)
        counter = _NodeCounter(type_info, self)
        visit(definition, TypeInfoVisitor(type_info, counter))
        return counter

    def raw_texts(self, value: ValueNode) -> list[str]:
        """A string or ID argument (or a list of them) as the client sent it: measured before
        it is decoded."""
        if isinstance(value, StringValueNode):
            return [value.value]
        if isinstance(value, ListValueNode):
            return [text for item in value.values for text in self.raw_texts(item)]
        if isinstance(value, VariableNode):
            raw = self.raw_variables.get(value.name.value)
            items = raw if isinstance(raw, list) else [raw]
            return [item for item in items if isinstance(item, str)]
        return []

    def nodes_of_fragment(self, name: str) -> int:
        if name not in self.fragment_nodes:
            # Validation (NoFragmentCycles) has already refused cycles; the mark guards anyway.
            self.fragment_nodes[name] = 0
            definition = self.fragments.get(name)
            if definition is not None:
                self.fragment_nodes[name] = self.count(definition).nodes
        return self.fragment_nodes[name]


class _NodeCounter(Visitor):
    def __init__(self, type_info: TypeInfo, walk: _Walk) -> None:
        super().__init__()
        self.type_info = type_info
        self.walk = walk
        self.nodes = 0
        self.multipliers = [1]  # the nodes the enclosing fields may return, innermost last

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent = self.multipliers[-1]
        definition = self.type_info.get_field_def()
        size: int | None = None
        if definition is not None:
            self._measure_strings(node, definition)
            size = self._list_size(node, definition)
            if size is not None:
                self.nodes += parent * size
        self.multipliers.append(parent * (size or 1))

    def leave_field(self, *_: object) -> None:
        self.multipliers.pop()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.nodes += self.multipliers[-1] * self.walk.nodes_of_fragment(node.name.value)

    def _list_size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """How many nodes the field may return, if its arguments bound a list of them."""
        if "first" in definition.args and get_named_type(definition.type).name.endswith(
            "Connection"
        ):
            first = self._argument(node, definition, "first")
            return max(1, first) if isinstance(first, int) else 1
        if "ids" in definition.args and isinstance(get_nullable_type(definition.type), GraphQLList):
            ids = self._argument(node, definition, "ids")
            return len(ids) if isinstance(ids, list) else 1
        return None

    def _argument(self, node: FieldNode, definition: GraphQLField, name: str) -> Any:
        argument = definition.args[name]
        for given in node.arguments or ():
            if given.name.value == name:
                value = value_from_ast(given.value, argument.type, self.walk.variables)
                if value is not Undefined:
                    return value
        return argument.default_value

    def _measure_strings(self, node: FieldNode, definition: GraphQLField) -> None:
        for given in node.arguments or ():
            argument = definition.args.get(given.name.value)
            kind = get_named_type(argument.type) if argument else None
            if not isinstance(kind, GraphQLScalarType) or kind.name not in _MEASURED:
                continue
            for text in self.walk.raw_texts(given.value):
                problem = self._problem(text, kind.name)
                if problem:
                    bad = BadArgument(node.name.value, given.name.value, problem)
                    self.walk.bad_arguments.append(bad)
                    break

    def _problem(self, text: str, kind: str) -> str | None:
        limit = self.walk.max_argument_length
        if len(text) > limit:
            return f"is {len(text)} characters long; at most {limit} are allowed"
        if kind == "ID" and not ids.could_be_global_id(text):
            return f"is not an id this API gave out: {text[:40]!r}"
        return None


_MEASURED = frozenset({"String", "ID"})  # scalars whose length a client chooses freely
