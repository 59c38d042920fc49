"""Scopes on mutation payloads: a caller without the ``read`` grant (a write- or ingest-only
token) may select only ids from what a mutation returns.

Checked on the parsed document before validation and execution (``QueryCostLimiter``), so a
mutation that asks for more is refused whole and changes nothing: without it, a write-only token
read its tenant's pools, heat pumps, sites and BRP ids through ``poolUpdate(id, input: {}) {
heatPumps { ... } marketAccount { ... } }``.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationType,
    get_named_type,
    get_operation_ast,
    is_leaf_type,
)

from ainergy.graphql.limits import _fields_of, _Walk

ID_SCALARS = {"ID", "GlobalID"}


def _first_non_id_leaf(selection_set, parent, walk: _Walk, path: list[str]) -> str | None:
    for node, owner in _fields_of(selection_set, parent, walk):
        name = node.name.value
        if name == "__typename":
            continue
        here = [*path, (node.alias or node.name).value]
        if name.startswith("__") or not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
            return ".".join(here)
        definition = owner.fields.get(name)
        if definition is None:
            continue  # validation reports unknown fields
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            if not (isinstance(named, GraphQLScalarType) and named.name in ID_SCALARS):
                return ".".join(here)
            continue
        found = _first_non_id_leaf(node.selection_set, named, walk, here)
        if found is not None:
            return found
    return None


def mutation_payload_violation(
    schema: GraphQLSchema, document, operation_name: str | None, principal
) -> GraphQLError | None:
    """PERMISSION_DENIED naming the first non-id field a caller without ``read`` selected from a
    mutation's payload, else None."""
    if principal is None or principal.tenant is None or principal.has("read"):
        return None
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.MUTATION:
        return None
    fragments = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, None, None)
    for node, owner in _fields_of(operation.selection_set, schema.mutation_type, walk):
        if not isinstance(node, FieldNode) or node.selection_set is None:
            continue
        definition = owner.fields.get(node.name.value) if owner is not None else None
        if definition is None:
            continue
        found = _first_non_id_leaf(
            node.selection_set,
            get_named_type(definition.type),
            walk,
            [(node.alias or node.name).value],
        )
        if found is not None:
            return GraphQLError(
                f"Permission denied: without the 'read' permission a mutation returns only ids; "
                f"'{found}' is not an id.",
                extensions={"code": "PERMISSION_DENIED", "required": "read", "field": found},
            )
    return None
