"""Time series over GraphQL: ingest a local DST day, read it back per local day and resolution."""

import pytest
from strawberry import relay

INGEST = """mutation($input: ObservationsIngestInput!) {
  observationsIngest(input: $input) { seriesKey pointsWritten firstTime lastTime }
}"""
VALUES = """query($id: ID!, $start: DateTime!, $end: DateTime!, $resolution: Int, $aggregation: Aggregation!) {
  seriesValues(seriesId: $id, start: $start, end: $end, resolutionMinutes: $resolution, aggregation: $aggregation) { time value count }
}"""
DAILY = """query($id: ID!, $first: Date!, $last: Date!) {
  dailyValues(seriesId: $id, firstDay: $first, lastDay: $last) { localDay value count }
}"""


@pytest.fixture
def client(tenant, token_client):
    return token_client(tenant, ["read", "ingest"])


def test_fall_back_day_in_local_time_reads_back_per_local_day(client, quarter_series):
    # given 100 quarter-hours of 2024-10-27 sent with local offsets
    from ainergy.common.timegrid import delivery_day_periods

    local = delivery_day_periods(__import__("datetime").date(2024, 10, 27), 15).tz_convert(
        "Europe/Copenhagen"
    )
    points = [{"time": t.isoformat(), "value": 2.0} for t in local]
    series_id = str(relay.GlobalID("Series", str(quarter_series.pk)))
    # when
    written = client.execute(
        INGEST, {"input": {"batches": [{"seriesId": series_id, "points": points}]}}
    )
    # then
    assert written.get("data") and written["data"]["observationsIngest"] == [
        {
            "seriesKey": "hp-power",
            "pointsWritten": 100,
            "firstTime": "2024-10-26T22:00:00+00:00",
            "lastTime": "2024-10-27T22:45:00+00:00",
        }
    ]
    daily = client.execute(DAILY, {"id": series_id, "first": "2024-10-26", "last": "2024-10-28"})
    assert daily["data"]["dailyValues"] == [
        {"localDay": "2024-10-27", "value": 200.0, "count": 100}
    ]
    hourly = client.execute(
        VALUES,
        {
            "id": series_id,
            "start": "2024-10-26T22:00:00Z",
            "end": "2024-10-27T23:00:00Z",
            "resolution": 60,
            "aggregation": "SUM",
        },
    )
    assert hourly.get("data"), hourly
    assert len(hourly["data"]["seriesValues"]) == 25
    assert {row["value"] for row in hourly["data"]["seriesValues"]} == {8.0}


def test_resolution_finer_than_the_series_is_refused(client, heat_series):
    series_id = str(relay.GlobalID("Series", str(heat_series.pk)))
    body = client.execute(
        VALUES,
        {
            "id": series_id,
            "start": "2024-01-01T00:00:00Z",
            "end": "2024-01-02T00:00:00Z",
            "resolution": 15,
            "aggregation": "MEAN",
        },
    )
    assert (
        body["errors"][0]["message"]
        == "resolutionMinutes: must be a multiple of the series resolution (60 min)"
    )


def test_series_list_shows_own_and_public_series_filtered_by_kind(
    client, tenant, other_tenant, heat_series, zone
):
    from ainergy.timeseries.services import series_create

    series_create(
        tenant=None,
        key="dk1-spot",
        kind="day_ahead_price",
        resolution_minutes=60,
        bidding_zone=zone,
    )
    series_create(tenant=other_tenant, key="their-heat", kind="heat_demand", resolution_minutes=60)
    body = client.execute("{ seriesList { edges { node { key isPublic biddingZone } } } }")
    assert [edge["node"] for edge in body["data"]["seriesList"]["edges"]] == [
        {"key": "dk1-spot", "isPublic": True, "biddingZone": "DK1"},
        {"key": "plant-heat", "isPublic": False, "biddingZone": None},
    ]
    body = client.execute("{ seriesList(filters: {kind: HEAT_DEMAND}) { edges { node { key } } } }")
    assert [edge["node"]["key"] for edge in body["data"]["seriesList"]["edges"]] == ["plant-heat"]


SERIES_META = """query($id: ID!) { series(id: $id) {
    key kind unit resolutionMinutes firstObservationAt lastObservationAt observationCount } }"""


def test_series_says_which_period_it_has_data_for(client, tenant, heat_series):
    # given 3 hourly points with a gap, and an empty series
    from ainergy.timeseries.services import SeriesBatch, observations_ingest, series_create

    points = [
        {"time": "2024-03-01T00:00:00Z", "value": 1.0},
        {"time": "2024-03-01T01:00:00Z", "value": 2.0},
        {"time": "2024-03-01T05:00:00Z", "value": 3.0},
    ]
    observations_ingest(
        tenant=tenant, batches=[SeriesBatch(series=heat_series, points=points)], source="test"
    )
    empty = series_create(
        tenant=tenant, key="empty", kind="outdoor_temperature", resolution_minutes=60
    )
    # when
    body = client.execute(SERIES_META, {"id": str(relay.GlobalID("Series", str(heat_series.pk)))})
    blank = client.execute(SERIES_META, {"id": str(relay.GlobalID("Series", str(empty.pk)))})
    # then
    assert body["data"]["series"] == {
        "key": "plant-heat",
        "kind": "HEAT_DEMAND",
        "unit": "kW",
        "resolutionMinutes": 60,
        "firstObservationAt": "2024-03-01T00:00:00+00:00",
        "lastObservationAt": "2024-03-01T05:00:00+00:00",
        "observationCount": 3,
    }
    assert blank["data"]["series"]["observationCount"] == 0
    assert blank["data"]["series"]["firstObservationAt"] is None


def test_series_list_metadata_is_one_query_per_page(client, tenant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ainergy.timeseries.services import series_create

    for index in range(6):
        series_create(tenant=tenant, key=f"s{index}", kind="heat_demand", resolution_minutes=60)
    with CaptureQueriesContext(connection) as queries:
        body = client.execute(
            "{ seriesList(first: 50) { edges { node { key firstObservationAt "
            "lastObservationAt observationCount } } } }"
        )
    assert len(body["data"]["seriesList"]["edges"]) == 6
    # token lookup + last-used update + the page with its count
    assert len(queries.captured_queries) == 4  # + the audit record of the token's use
