"""Beat entries derived from the timeline; webhook signing, retries and the delivery log."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from ainergy.pipeline.beat import LocalTimeSchedule, timeline_entries

UTC = dt.UTC


def test_local_time_schedule_fires_at_copenhagen_clock_time_across_dst(settings, monkeypatch):
    from ainergy.pipeline import clock

    moments = iter(
        [
            dt.datetime(2024, 3, 30, 10, 0, tzinfo=UTC),  # baseline (CET)
            dt.datetime(2024, 3, 30, 10, 59, tzinfo=UTC),  # 11:59 CET: not yet
            dt.datetime(2024, 3, 30, 11, 0, tzinfo=UTC),  # 12:00 CET: due
            dt.datetime(2024, 3, 31, 10, 59, tzinfo=UTC),  # 12:59 CEST: already past noon
        ]
    )
    monkeypatch.setattr(clock, "now", lambda: next(moments))
    schedule = LocalTimeSchedule(dt.time(12, 0))
    assert schedule.is_due(None).is_due is False  # baseline
    assert schedule.is_due(None).is_due is False
    assert schedule.is_due(None).is_due is True
    assert schedule.is_due(None).is_due is True  # the next noon is 10:00 UTC in summer
    assert schedule.next_after(dt.datetime(2024, 3, 31, 9, 0, tzinfo=UTC)) == dt.datetime(
        2024, 3, 31, 10, 0, tzinfo=UTC
    )


@pytest.mark.django_db
def test_beat_entries_come_from_the_timeline_per_zone_not_per_pool():
    from ainergy.pipeline.models import MarketTimelineRule

    # when
    entries = timeline_entries()
    # then: a catch-up tick, the webhook sweep, and per zone the timeline's clock times
    assert {"pipeline-tick", "pipeline-webhook-sweep"} <= set(entries)
    dk1 = {name for name in entries if name.startswith("pipeline-DK1-")}
    # mFRR gate 09:30 - 180 min = 06:30: the market data of a pool with mFRR
    assert "pipeline-DK1-0630" in dk1
    # day-ahead results 12:55 + 5 min: results import and household steps
    assert "pipeline-DK1-1300" in dk1
    assert entries["pipeline-DK1-0630"]["kwargs"] == {"zone": "DK1"}
    assert entries["pipeline-DK1-0630"]["schedule"] == LocalTimeSchedule(dt.time(6, 30))
    assert "pipeline-DK1-0921" in dk1
    # an operator's correction of a gate closure moves the entries
    rule = MarketTimelineRule.objects.get(zone__code="DK1", product__code="mfrr_up")
    rule.gate_closure_local_time = dt.time(9, 0)
    rule.save()
    MarketTimelineRule.objects.filter(zone__code="DK1", product__code="mfrr_down").delete()
    moved = timeline_entries()
    # 09:30 - 10 min + 1 min: just after the submission deadline of a pool with mFRR
    assert "pipeline-DK1-0851" in moved and "pipeline-DK1-0921" not in moved


def test_signature_is_hmac_sha256_over_timestamp_and_body():
    from ainergy.pipeline.webhooks import signature_header

    body = b'{"event":"schedule.published"}'
    header = signature_header("s3cret-key-of-at-least-24-chars", body, timestamp=1728900000)
    expected = hmac.new(
        b"s3cret-key-of-at-least-24-chars", b"1728900000." + body, hashlib.sha256
    ).hexdigest()
    assert header == f"t=1728900000,v1={expected}"


@pytest.mark.django_db
def test_webhook_create_validates_and_refuses_private_addresses_in_production(tenant, settings):
    from ainergy.common.errors import ValidationError
    from ainergy.pipeline.models import WebhookDelivery
    from ainergy.pipeline.webhooks import event_emit, webhook_create, webhook_deliver

    with pytest.raises(ValidationError) as error:
        webhook_create(tenant=tenant, url="ftp://x", events=["schedule.published"])
    assert (error.value.field, error.value.reason) == ("url", "must be an absolute http(s) URL")
    with pytest.raises(ValidationError) as error:
        webhook_create(tenant=tenant, url="https://a.example/h", events=["schedule.sent"])
    assert error.value.field == "events[0]"
    # a hook on a loopback address is kept but never called when private addresses are refused
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    hook, secret = webhook_create(
        tenant=tenant, url="http://127.0.0.1:9/h", events=["schedule.published"]
    )
    assert len(secret) >= 32
    settings.CELERY_TASK_ALWAYS_EAGER = True
    (delivery,) = event_emit(tenant_id=tenant.pk, event="schedule.published", payload={"a": 1})
    webhook_deliver(delivery.pk)
    delivery = WebhookDelivery.objects.get(pk=delivery.pk)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert delivery.last_error.startswith("ConnectionError: 127.0.0.1 resolves to a non-public")


@pytest.mark.django_db
def test_delivery_is_retried_with_back_off_and_logged_until_the_receiver_accepts(tenant, settings):
    from django.utils import timezone

    from ainergy.pipeline.models import WebhookDelivery
    from ainergy.pipeline.webhooks import event_emit, webhook_create, webhook_deliver
    from tests.pipeline.fake_services import WebhookReceiver

    settings.CELERY_TASK_ALWAYS_EAGER = True
    receiver = WebhookReceiver(secret="receiver-secret-0123456789abcdef", failures_left=2)
    http = receiver.start()
    try:
        webhook_create(tenant=tenant, url=receiver.url, events=["deadline.missed"],
                       secret=receiver.secret)  # fmt: skip
        (delivery,) = event_emit(
            tenant_id=tenant.pk, event="deadline.missed", payload={"step": "bid_plan"}
        )
        # when: two 503 answers, then 204
        outcomes = []
        for _ in range(3):
            before = timezone.now()
            outcomes.append(webhook_deliver(delivery.pk))
            row = WebhookDelivery.objects.get(pk=delivery.pk)
            if row.status == "pending":
                waited = (row.next_attempt_at - before).total_seconds()
                assert waited == pytest.approx(
                    settings.WEBHOOK_RETRY_BACKOFF_S[row.attempts - 1], abs=2
                )
                assert webhook_deliver(delivery.pk) == "not due"
                WebhookDelivery.objects.filter(pk=delivery.pk).update(
                    next_attempt_at=timezone.now()
                )
        # then
        assert outcomes == ["pending", "pending", "delivered"]
        row = WebhookDelivery.objects.get(pk=delivery.pk)
        assert (row.attempts, row.last_status_code, row.last_error) == (3, 204, "")
        (received,) = receiver.received
        assert received.signature_valid and received.delivery_id == row.event_id
        assert received.body["step"] == "bid_plan" and received.event == "deadline.missed"
        assert webhook_deliver(delivery.pk) == "not pending"  # delivered once, never again
    finally:
        http.shutdown()
