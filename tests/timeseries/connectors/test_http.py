"""The shared HTTP helper: Retry-After parsing and the back-off schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from ainergy.timeseries.connectors.http import RetryPolicy, retry_after_s

UTC = dt.UTC


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Fri, 01 Nov 2024 10:00:30 GMT", 30.0),
        ("Fri, 01 Nov 2024 09:59:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_accepts_seconds_and_http_dates(header, expected):
    # when
    wait_s = retry_after_s(header, now=dt.datetime(2024, 11, 1, 10, 0, tzinfo=UTC))
    # then
    assert wait_s == expected


def test_backoff_doubles_up_to_its_cap():
    # given
    policy = RetryPolicy(backoff_initial_s=1.0, backoff_factor=2.0, backoff_max_s=5.0)
    # when
    waits = [policy.backoff_s(attempt) for attempt in range(1, 6)]
    # then
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert [policy.is_retryable(status) for status in (200, 400, 404, 429, 500, 503, 599)] == [
        False,
        False,
        False,
        True,
        True,
        True,
        True,
    ]
