"""``forecastsIngest``: issued forecasts from a tenant's own provider (e.g. weather for the
temperature regressors), all or nothing, errors naming the input field, tenants kept apart."""

from __future__ import annotations

import datetime as dt

import pytest
from strawberry import relay

INGEST = """mutation($input: ForecastsIngestInput!) {
  forecastsIngest(input: $input) { seriesKey issuedAt pointsWritten }
}"""
ISSUED_AT = "2024-10-26T12:00:00+02:00"  # D-1 noon (CEST) of the 25-hour day 2024-10-27


def gid(series) -> str:
    return str(relay.GlobalID("Series", str(series.pk)))


def temperature_series(tenant, key: str = "site-1-temperature"):
    from ainergy.timeseries.services import series_create

    return series_create(tenant=tenant, key=key, kind="outdoor_temperature", resolution_minutes=60)


def stored(series) -> list[tuple]:
    from ainergy.timeseries.models import ForecastValue

    return list(
        ForecastValue.objects.filter(series=series)
        .order_by("issued_at", "scenario", "quantile", "time")
        .values_list("issued_at", "time", "quantile", "scenario", "scenario_probability", "value")
    )


def local_day_points(value: float = 4.0) -> list[dict]:
    """The 25 hours of 2024-10-27 with local offsets (02:00 twice: +02:00, then +01:00)."""
    from ainergy.common.timegrid import delivery_day_periods

    local = delivery_day_periods(dt.date(2024, 10, 27), 60).tz_convert("Europe/Copenhagen")
    return [{"time": t.isoformat(), "value": value + index / 10} for index, t in enumerate(local)]


@pytest.fixture
def series(tenant):
    return temperature_series(tenant)


@pytest.fixture
def api(tenant, token_client):
    return token_client(tenant, ["read", "ingest"])


def test_issued_forecast_with_quantiles_is_stored_and_an_issue_again_overwrites(api, series):
    # given the 25 hours of the autumn DST day as point forecast, plus a 0.9 quantile
    points = local_day_points()
    upper = [{**point, "value": point["value"] + 2.0, "quantile": 0.9} for point in points]
    # when
    body = api.execute(
        INGEST,
        {"input": {"seriesId": gid(series), "issuedAt": ISSUED_AT, "points": points + upper}},
    )
    # then
    assert body == {
        "data": {
            "forecastsIngest": {
                "seriesKey": "site-1-temperature",
                "issuedAt": "2024-10-26T10:00:00+00:00",
                "pointsWritten": 50,
            }
        }
    }
    rows = stored(series)
    issued = dt.datetime(2024, 10, 26, 10, tzinfo=dt.UTC)
    start = dt.datetime(2024, 10, 26, 22, tzinfo=dt.UTC)
    assert rows[0] == (issued, start, 0.5, 0, None, 4.0)
    assert rows[24] == (issued, start + dt.timedelta(hours=24), 0.5, 0, None, 6.4)
    assert rows[25] == (issued, start, 0.9, 0, None, 6.0)
    assert len(rows) == 50
    # when the provider sends the same issue again, corrected
    body = api.execute(
        INGEST,
        {
            "input": {
                "seriesId": gid(series),
                "issuedAt": ISSUED_AT,
                "points": local_day_points(5.0),
            }
        },
    )
    # then its values are replaced, nothing duplicated (the 0.9 quantile, not resent, stays)
    assert body["data"]["forecastsIngest"]["pointsWritten"] == 25
    rows = stored(series)
    assert len(rows) == 50
    assert rows[0] == (issued, start, 0.5, 0, None, 5.0)
    assert rows[25] == (issued, start, 0.9, 0, None, 6.0)


def test_bad_points_are_all_named_by_their_input_path_and_nothing_is_written(api, series):
    # given a forecast with good points and six bad ones in it
    points = local_day_points()
    points[3] = {"time": "2024-10-27T01:30:00+02:00", "value": 4.0}  # off the hourly grid
    points[5] = {"time": "2024-10-26T11:00:00+02:00", "value": 4.0}  # before the issue
    points[7] = {**points[6]}  # the same hour twice
    points[9] = {**points[9], "value": 95.0}  # outside the physical range
    points[11] = {**points[11], "quantile": 1.0}
    points[13] = {**points[13], "scenario": 0}
    points += [
        {**points[0], "scenario": 1, "scenarioProbability": 0.6},
        {**points[1], "scenario": 1, "scenarioProbability": 0.4},
        {**points[2], "scenarioProbability": 0.5},
    ]
    # when
    body = api.execute(
        INGEST, {"input": {"seriesId": gid(series), "issuedAt": ISSUED_AT, "points": points}}
    )
    # then every issue comes back at once, each at its GraphQL input path
    assert body["data"] is None
    assert {error["extensions"]["code"] for error in body["errors"]} == {"VALIDATION_ERROR"}
    assert [error["message"] for error in body["errors"]] == [
        "input.points[3].time: 2024-10-26T23:30:00+00:00 is not on the 60-minute grid",
        "input.points[5].time: 2024-10-26T09:00:00+00:00 lies before the issue time "
        "2024-10-26T10:00:00+00:00",
        "input.points[7].time: duplicate of points[6] (same time, quantile and scenario)",
        "input.points[9].value: 95 °C is outside the physical range [-60, 60] of "
        "outdoor_temperature",
        "input.points[11].quantile: must lie strictly between 0 and 1, got 1",
        "input.points[13].scenario: must be at least 1 (null: not a scenario), got 0",
        "input.points[26].scenarioProbability: 0.4 differs from 0.6 given to scenario 1 at "
        "points[25]",
        "input.points[27].scenarioProbability: only for a scenario path",
        "input.points[27].time: duplicate of points[2] (same time, quantile and scenario)",
    ]
    assert body["errors"][0]["extensions"]["field"] == "input.points[3].time"
    # and nothing of the good points was written
    assert stored(series) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuedAt": "2024-10-26T12:00:00"}, "input.issuedAt: naive timestamp; give a UTC "
         "offset (e.g. 'Z' or '+01:00')"),
        ({"points": []}, "input.points: give at least one point"),
        ({"points": [{"time": "2024-10-27T00:00:00", "value": 4.0}]},
         "input.points[0].time: naive timestamp; give a UTC offset (e.g. 'Z' or '+01:00')"),
    ],
    ids=["naive-issue", "no-points", "naive-point"],
)  # fmt: skip
def test_missing_offsets_and_empty_forecasts_are_refused(api, series, change, message):
    # when
    body = api.execute(
        INGEST,
        {
            "input": {
                "seriesId": gid(series),
                "issuedAt": ISSUED_AT,
                "points": local_day_points(),
                **change,
            }
        },
    )
    # then
    assert [error["message"] for error in body["errors"]] == [message]
    assert stored(series) == []


def test_another_tenants_series_is_not_found_and_stays_untouched(
    api, series, other_tenant, token_client
):
    # given tenant B's temperature series with one issued forecast
    theirs = temperature_series(other_tenant, key="their-temperature")
    their_api = token_client(other_tenant, ["read", "ingest"])
    seeded = their_api.execute(
        INGEST,
        {"input": {"seriesId": gid(theirs), "issuedAt": ISSUED_AT, "points": local_day_points()}},
    )
    assert seeded["data"]["forecastsIngest"]["pointsWritten"] == 25
    before = stored(theirs)
    # when tenant A sends a forecast for B's series id, and for an id that does not exist
    answers = [
        api.execute(
            INGEST,
            {
                "input": {
                    "seriesId": series_id,
                    "issuedAt": ISSUED_AT,
                    "points": local_day_points(30.0),
                }
            },
        )
        for series_id in (gid(theirs), str(relay.GlobalID("Series", str(theirs.pk + 1000))))
    ]
    # then both answers are the same "not found" (B's id reveals nothing) and B's values stay
    assert answers[0] == answers[1]
    assert answers[0]["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in answers[0]["errors"]] == [
        ("Series not found.", "NOT_FOUND")
    ]
    assert stored(theirs) == before
    assert stored(series) == []


def test_public_series_and_tokens_without_ingest_scope_are_refused(
    api, series, tenant, token_client
):
    # given a public series (market data) and a token that may only read
    from ainergy.timeseries.models import Series

    public = Series.objects.filter(tenant__isnull=True).first() or Series.objects.create(
        key="public-temperature", kind="outdoor_temperature", resolution_minutes=60
    )
    reader = token_client(tenant, ["read"])
    variables = {"input": {"seriesId": gid(series), "issuedAt": ISSUED_AT,
                           "points": local_day_points()}}  # fmt: skip
    # when
    public_answer = api.execute(INGEST, {"input": {**variables["input"], "seriesId": gid(public)}})
    reader_answer = reader.execute(INGEST, variables)
    # then
    assert [e["message"] for e in public_answer["errors"]] == [
        "input.seriesId: public series take no tenant forecasts"
    ]
    assert reader_answer["data"] is None
    assert reader_answer["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert stored(public) == []
    assert stored(series) == []
