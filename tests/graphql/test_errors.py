from graphql.error import GraphQLError

from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.graphql.errors import MASKED_MESSAGE, format_error, is_unexpected


def wrap(original: Exception) -> GraphQLError:
    return GraphQLError(str(original), original_error=original)


def test_unexpected_errors_are_masked_outside_debug():
    error = wrap(RuntimeError("connection to 10.0.0.5 refused; password=hunter2"))
    formatted = format_error(error, debug=False)
    assert formatted.message == MASKED_MESSAGE
    assert formatted.extensions == {"code": "INTERNAL"}
    assert is_unexpected(error)


def test_unexpected_errors_show_in_debug():
    formatted = format_error(wrap(RuntimeError("boom")), debug=True)
    assert (formatted.message, formatted.extensions) == ("boom", {"code": "INTERNAL"})


def test_domain_errors_keep_message_and_details():
    formatted = format_error(wrap(ValidationError("power_kw", "must be positive")), debug=False)
    assert formatted.message == "power_kw: must be positive"
    assert formatted.extensions == {
        "code": "VALIDATION_ERROR",
        "field": "power_kw",
        "reason": "must be positive",
    }
    assert not is_unexpected(wrap(NotFoundError("Job not found.")))


# --- every answer of /graphql is GraphQL JSON --------------------------------------------------

QUERY = {"query": "{ me { kind } }"}


def test_no_token_and_no_session_is_unauthenticated_json_401(client, db):
    response = client.post("/graphql", QUERY, content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "Authentication required: send 'Authorization: Bearer <token>' "
                "or log in to the portal.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ],
    }


def test_session_without_csrf_token_is_permission_denied_naming_csrf(tenant, db):
    from django.test import Client

    from tenants.models import Membership

    # given a logged-in portal user whose client enforces CSRF like a browser
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(Membership.objects.get(tenant=tenant, role="owner").user)
    # when it posts without the CSRF header
    response = browser.post("/graphql", QUERY, content_type="application/json")
    # then
    assert response.status_code == 403
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {
        "code": "PERMISSION_DENIED",
        "reason": "CSRF: CSRF cookie not set.",
    }
    assert body["errors"][0]["message"].startswith("CSRF check failed")


def test_session_with_csrf_token_is_served(tenant, db):
    from django.test import Client

    from tenants.models import Membership

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(Membership.objects.get(tenant=tenant, role="owner").user)
    token = "a" * 32  # a CSRF secret as the portal's cookie carries it
    browser.cookies["csrftoken"] = token
    response = browser.post(
        "/graphql", QUERY, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"me": {"kind": "USER"}}
    assert "errors" not in response.json()


def test_several_issues_become_one_error_each():
    from ainergy.common.errors import ValidationError
    from ainergy.graphql.errors import format_errors

    error = wrap(ValidationError.of([("a", "too big"), ("b[2].c", "missing")]))
    formatted = format_errors(error, debug=False)
    assert [(e.message, e.extensions) for e in formatted] == [
        ("a: too big", {"code": "VALIDATION_ERROR", "field": "a", "reason": "too big"}),
        ("b[2].c: missing", {"code": "VALIDATION_ERROR", "field": "b[2].c", "reason": "missing"}),
    ]


def test_python_paths_map_to_graphql_input_paths():
    from ainergy.graphql.paths import graphql_path
    from ainergy.schema import schema

    converter = schema.config.name_converter

    def root_field(root: str, name: str):
        definition = schema.get_type_by_name(root)
        return next(f for f in definition.fields if converter.from_field(f) == name)

    field = root_field("Mutation", "bidPlanResultsRecord")
    assert graphql_path(field, "reserves[1].capacity_price_eur_per_mw_h", converter) == (
        "input.reserves[1].capacityPriceEurPerMwH"
    )
    assert graphql_path(field, "bid_plan", converter) == "input.bidPlanId"
    pump = root_field("Mutation", "heatPumpCreate")
    assert graphql_path(pump, "cop_table[0].sink_temperature_c", converter) == (
        "input.copTable[0].sinkTemperatureC"
    )
    assert graphql_path(pump, "source_temperature_series", converter) == (
        "input.sourceTemperatureSeriesId"
    )
    catalogue = root_field("Mutation", "technologyCatalogueOverride")
    # inside a JSON value the keys are kept as sent
    assert graphql_path(catalogue, "parameters.lifetime_years", converter) == (
        "input.parameters.lifetime_years"
    )
    values = root_field("Query", "seriesValues")
    assert graphql_path(values, "resolution_minutes", converter) == "resolutionMinutes"
