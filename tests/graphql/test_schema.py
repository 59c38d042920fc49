from pathlib import Path

from django.conf import settings

from ainergy.schema import schema


def test_committed_schema_matches_the_code():
    committed = (Path(settings.BASE_DIR) / "schema.graphql").read_text()
    assert committed == schema.as_str() + "\n", (
        "schema.graphql is stale: run `python manage.py export_graphql_schema` and commit it"
    )


# Short reference lists and time-value lists that are bounded by their own arguments.
BOUNDED_LISTS = {
    "biddingZones",
    "gridCompanies",  # Danish grid companies with stored tariffs (a few dozen at most)
    "marketProducts",
    "technologyCatalogue",
    "seriesValues",
    "dailyValues",
    "forecastValues",
    "nodes",  # capped at GRAPHQL_MAX_PAGE_SIZE ids
    "marketTimeline",  # one entry per product of a zone and day
}


def test_every_unbounded_list_field_is_a_paginated_connection():
    query_type = schema._schema.query_type
    plain_lists = {
        name
        for name, field in query_type.fields.items()
        if "List" in type(getattr(field.type, "of_type", field.type)).__name__
    }
    assert plain_lists == BOUNDED_LISTS
