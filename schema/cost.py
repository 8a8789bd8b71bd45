"""What a query may cost, known before it runs: GitHub's node model.

A connection field may return ``first`` nodes (its default page size when ``first`` is absent),
each of which resolves its own selection: nested connections multiply. So does a list that takes
``first`` (``similarProposals``, ``Proposal.similar``, ``themes``). ``nodes(ids:)`` may return
one node per id. Objects, scalars and plain lists (a proposal's versions, a viewer's
organisations: their length is bounded by the data, not by the query) count nothing of their
own. A query's *nodes* are the sum over its connections of ``first`` times the nodes its
enclosing connections may return; its *points*, what the rate limit spends, are
``max(1, ceil(nodes / 100))`` as on GitHub.

The analysis walks graphql-core's parsed document with the schema's types once variables are known
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
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    ListValueNode,
    SelectionSetNode,
    StringValueNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
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
    nodes = walk.nodes_of(operation.selection_set, schema.get_root_type(operation.operation), 1)
    return QueryCost(nodes=nodes, bad_arguments=tuple(walk.bad_arguments))


class _Walk:
    """One analysis: the operation's selections, field by field, with the schema's types
    (``GraphQLSchema.get_field``, as graphql-core's executor looks fields up). Fragments are
    costed once each, per unit multiplier: their nodes scale with the multiplier where they
    are spread. (graphql-core's ``TypeInfoVisitor`` does the same walk through every node of
    the document, names and values included: 2.6 ms for bench/api.py's proposal page here,
    five times the budget.)"""

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

    def nodes_of(
        self, selections: SelectionSetNode, parent: GraphQLNamedType | None, multiplier: int
    ) -> int:
        """The nodes ``selections`` may return when their parent is returned ``multiplier``
        times (the product of the enclosing connections' sizes)."""
        if not isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)):
            return 0
        nodes = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                nodes += self._field_nodes(selection, parent, multiplier)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                nodes += self.nodes_of(selection.selection_set, inner, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                nodes += multiplier * self._fragment_nodes(selection.name.value)
        return nodes

    def _field_nodes(
        self,
        node: FieldNode,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        multiplier: int,
    ) -> int:
        definition = self.schema.get_field(parent, node.name.value)
        if definition is None:
            return 0
        self._measure_strings(node, definition)
        size = self._list_size(node, definition)
        nodes = multiplier * size if size is not None else 0
        if node.selection_set is not None:
            inner = multiplier * (size or 1)
            nodes += self.nodes_of(node.selection_set, get_named_type(definition.type), inner)
        return nodes

    def _fragment_nodes(self, name: str) -> int:
        if name not in self.fragment_nodes:
            # Validation (NoFragmentCycles) has already refused cycles; the mark guards anyway.
            self.fragment_nodes[name] = 0
            definition = self.fragments.get(name)
            if definition is not None:
                condition = self.schema.get_type(definition.type_condition.name.value)
                self.fragment_nodes[name] = self.nodes_of(definition.selection_set, condition, 1)
        return self.fragment_nodes[name]

    def _list_size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """How many nodes the field may return, if its arguments bound a list of them."""
        listed = isinstance(get_nullable_type(definition.type), GraphQLList)
        if "first" in definition.args and (
            listed or get_named_type(definition.type).name.endswith("Connection")
        ):
            # A list that takes ``first`` (similar proposals, themes, a theme's proposals) is
            # bounded by it, as a connection is: what each item selects is asked that often.
            first = self._argument(node, definition, "first")
            return max(1, first) if isinstance(first, int) else 1
        if "ids" in definition.args and listed:
            ids = self._argument(node, definition, "ids")
            return len(ids) if isinstance(ids, list) else 1
        return None

    def _argument(self, node: FieldNode, definition: GraphQLField, name: str) -> Any:
        argument = definition.args[name]
        for given in node.arguments or ():
            if given.name.value == name:
                value = value_from_ast(given.value, argument.type, self.variables)
                if value is not Undefined:
                    return value
        return argument.default_value

    def _measure_strings(self, node: FieldNode, definition: GraphQLField) -> None:
        for given in node.arguments or ():
            argument = definition.args.get(given.name.value)
            kind = get_named_type(argument.type) if argument else None
            if not isinstance(kind, GraphQLScalarType) or kind.name not in _MEASURED:
                continue
            for text in self._raw_texts(given.value):
                problem = self._problem(text, kind.name)
                if problem:
                    self.bad_arguments.append(
                        BadArgument(node.name.value, given.name.value, problem)
                    )
                    break

    def _raw_texts(self, value: ValueNode) -> list[str]:
        """A string or ID argument (or a list of them) as the client sent it: measured before
        it is decoded."""
        if isinstance(value, StringValueNode):
            return [value.value]
        if isinstance(value, ListValueNode):
            return [text for item in value.values for text in self._raw_texts(item)]
        if isinstance(value, VariableNode):
            raw = self.raw_variables.get(value.name.value)
            items = raw if isinstance(raw, list) else [raw]
            return [item for item in items if isinstance(item, str)]
        return []

    def _problem(self, text: str, kind: str) -> str | None:
        limit = self.max_argument_length
        if len(text) > limit:
            return f"is {len(text)} characters long; at most {limit} are allowed"
        if kind == "ID" and not ids.could_be_global_id(text):
            return f"is not an id this API gave out: {text[:40]!r}"
        return None


_MEASURED = frozenset({"String", "ID"})  # scalars whose length a client chooses freely
