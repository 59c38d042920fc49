"""Audit of GraphQL operations: every mutation field (any caller) and every operation of an API
token, with the global ids in the arguments and in the payload, and the outcome."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    OperationType,
    get_operation_ast,
)
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension

from ainergy.common.errors import ApplicationError
from tenants.audit import MAX_IDS, audit_record

ID_SCALARS = {"ID", "GlobalID"}


def _argument_ids(value: Any, type_: Any, found: list[str]) -> None:
    if value is None or len(found) >= MAX_IDS:
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        for item in value if isinstance(value, list) else [value]:
            _argument_ids(item, type_.of_type, found)
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        for name, field in type_.fields.items():
            _argument_ids(value.get(field.out_name or name), field.type, found)
    elif isinstance(type_, GraphQLScalarType) and type_.name in ID_SCALARS:
        found.append(str(value))


def _result_ids(data: Any, found: list[str]) -> None:
    if len(found) >= MAX_IDS:
        return
    if isinstance(data, list):
        for item in data:
            _result_ids(item, found)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key == "id" and isinstance(value, str):
                found.append(value)
            else:
                _result_ids(value, found)


def error_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, ApplicationError):
        return original.code
    code = (error.extensions or {}).get("code")
    if code:
        return str(code)
    return "INTERNAL" if original is not None else "GRAPHQL_VALIDATION_FAILED"


class AuditExtension(SchemaExtension):
    def on_operation(self):
        yield
        context = self.execution_context
        principal = getattr(context.context, "principal", None)
        if principal is None or principal.tenant is None or context.graphql_document is None:
            return
        operation = get_operation_ast(context.graphql_document, context.operation_name)
        if operation is None:
            return
        fields = [
            node
            for node in operation.selection_set.selections
            if isinstance(node, FieldNode) and node.name.value != "__typename"
        ]
        errors = list(context.pre_execution_errors or [])
        if context.result is not None and context.result.errors:
            errors.extend(error for error in context.result.errors if error not in errors)
        request = getattr(context.context, "request", None)
        client_ip = getattr(request, "client_ip", None)
        if operation.operation is OperationType.MUTATION:
            # A request refused before execution (bounds, coercion, scopes, cost: request
            # errors, which have no path) is logged without its argument ids: its variables may
            # be the attack itself (200 000 items, 50 000 invalid ones), which the bounds
            # refused precisely so that nothing coerces them.
            refused_before_execution = bool(errors) and not any(error.path for error in errors)
            variables = (
                []
                if refused_before_execution
                else get_variable_values(
                    context.schema._schema,
                    operation.variable_definitions or (),
                    context.variables or {},
                    max_errors=1,
                )
            )
            for node in fields:
                self._record_mutation(principal, node, errors, variables, client_ip)
        elif principal.api_token is not None:
            names = " ".join(dict.fromkeys(node.name.value for node in fields))
            audit_record(
                principal=principal,
                operation=f"{operation.operation.value} {names}".strip(),
                outcome=error_code(errors[0]) if errors else "OK",
                client_ip=client_ip,
            )

    def _record_mutation(self, principal, node: FieldNode, errors, variables, client_ip) -> None:
        context = self.execution_context
        key = node.alias.value if node.alias else node.name.value
        mine = [error for error in errors if not error.path or error.path[0] == key]
        ids: list[str] = []
        mutation_type = context.schema._schema.mutation_type
        definition = mutation_type.fields.get(node.name.value) if mutation_type else None
        if definition is not None and not isinstance(variables, list):  # list: coercion errors
            try:
                arguments = get_argument_values(definition, node, variables)
            except GraphQLError:
                arguments = {}
            for name, argument in definition.args.items():
                _argument_ids(arguments.get(argument.out_name or name), argument.type, ids)
        if context.result is not None and context.result.data:
            _result_ids(context.result.data.get(key), ids)
        audit_record(
            principal=principal,
            operation=f"mutation {node.name.value}",
            object_ids=ids,
            outcome=error_code(mine[0]) if mine else "OK",
            client_ip=client_ip,
        )
