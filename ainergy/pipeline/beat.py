"""Celery beat entries derived from the market timeline (never written per pool).

``timeline_entries()`` reads the stored rules and the step offsets and returns one entry per
zone and distinct local clock time at which a step may start or must be done: a product's gate
closure or results publication shifted by each offset anchored on it, and delivery start. Each
entry fires ``pipeline.advance`` for its zone every day at that Europe/Copenhagen clock time
(``LocalTimeSchedule``: DST-correct, on the pipeline clock). One more entry (``pipeline-tick``)
advances everything every ``PIPELINE_TICK_S`` seconds to pick up finished jobs and deadlines in
between. Run beat with this scheduler:

    celery -A ainergy.celery beat -S ainergy.pipeline.beat:TimelineScheduler

It adds these entries to ``CELERY_BEAT_SCHEDULE`` (market-data fetches) and re-reads the rules
every ``PIPELINE_BEAT_REFRESH_S`` seconds, so an operator's correction of a gate closure in the
database moves the entries without a restart.
"""

from __future__ import annotations

import datetime as dt
import time

from celery.beat import PersistentScheduler, ScheduleEntry
from celery.schedules import BaseSchedule, schedstate, schedule
from django.conf import settings

from ainergy.common.timegrid import LOCAL_TZ
from ainergy.pipeline import clock


class LocalTimeSchedule(BaseSchedule):
    """Due once a day at a Europe/Copenhagen clock time, judged on the pipeline clock.

    Beat orders its entries by wall time, so ``now()`` stays wall time; whether the clock time
    has come is judged on the pipeline clock (``clock.now()``: wall time in production, the
    simulated instant in the simulated-day test), remembering when it last fired on that clock.
    The first evaluation only takes the baseline: occurrences before beat started are the
    tick's business.
    """

    def __init__(self, local_time: dt.time, max_check_s: float | None = None, app=None):
        self.local_time = local_time
        self.max_check_s = max_check_s
        self.last_fired_at: dt.datetime | None = None
        super().__init__(app=app)

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first occurrence strictly after ``moment`` (UTC)."""
        local = moment.astimezone(LOCAL_TZ)
        for days in range(0, 3):
            candidate = dt.datetime.combine(
                local.date() + dt.timedelta(days=days), self.local_time, tzinfo=LOCAL_TZ
            ).astimezone(dt.UTC)
            if candidate > moment:
                return candidate
        raise AssertionError("unreachable")

    def remaining_estimate(self, last_run_at: dt.datetime) -> dt.timedelta:
        now = clock.now()
        return self.next_after(self.last_fired_at or now) - now

    def is_due(self, last_run_at: dt.datetime) -> schedstate:
        now = clock.now()
        max_check = self.max_check_s or settings.PIPELINE_BEAT_MAX_CHECK_S
        if self.last_fired_at is None or now < self.last_fired_at:  # baseline (or clock reset)
            self.last_fired_at = now
        due_at = self.next_after(self.last_fired_at)
        if now >= due_at:
            self.last_fired_at = now
            return schedstate(True, min((self.next_after(now) - now).total_seconds(), max_check))
        return schedstate(False, max(min((due_at - now).total_seconds(), max_check), 0.05))

    def __repr__(self) -> str:
        return f"<LocalTimeSchedule {self.local_time:%H:%M} Europe/Copenhagen>"

    def __reduce__(self):
        return self.__class__, (self.local_time, self.max_check_s)

    def __eq__(self, other) -> bool:
        return isinstance(other, LocalTimeSchedule) and other.local_time == self.local_time

    def __hash__(self) -> int:
        return hash(self.local_time)


def _shift(clock_time: dt.time, minutes: int) -> dt.time:
    moment = dt.datetime.combine(dt.date(2000, 1, 3), clock_time) + dt.timedelta(minutes=minutes)
    return moment.time()


def timeline_times() -> dict[str, set[dt.time]]:
    """Per zone, every local clock time at which a pipeline step may start or falls due."""
    from ainergy.pipeline.models import MarketTimelineRule

    anchors_of = {
        "first_gate_closure": "gate",
        "last_results_publication": "results",
        "day_ahead_results_publication": "day_ahead_results",
        "delivery_start": "delivery",
    }
    times: dict[str, set[dt.time]] = {}
    for rule in MarketTimelineRule.objects.select_related("zone", "product"):
        bases = {
            "gate": rule.gate_closure_local_time,
            "results": rule.results_publication_local_time,
            "day_ahead_results": rule.results_publication_local_time
            if rule.product.code == "day_ahead"
            else None,
            "delivery": rule.delivery_start_local_time,
        }
        zone_times = times.setdefault(rule.zone.code, set())
        for kind in ("pool", "household"):
            for anchor, earliest, deadline, _after in settings.PIPELINE_STEP_OFFSETS_MIN[
                kind
            ].values():
                base = bases[anchors_of[anchor]]
                if base is None:
                    continue
                zone_times.add(_shift(base, earliest))
                zone_times.add(_shift(base, deadline + 1))  # just after the deadline
    return times


def timeline_entries() -> dict[str, dict]:
    """Beat entries (name → entry dict) derived from the stored market timeline."""
    queue = f"{settings.JOB_QUEUE_PREFIX}default"
    entries = {
        "pipeline-tick": {
            "task": "pipeline.advance",
            "schedule": schedule(dt.timedelta(seconds=settings.PIPELINE_TICK_S)),
            "options": {"queue": queue, "expires": settings.PIPELINE_TICK_S * 2},
        },
        "pipeline-webhook-sweep": {
            "task": "pipeline.webhook_sweep",
            "schedule": schedule(dt.timedelta(seconds=settings.WEBHOOK_SWEEP_S)),
            "options": {"queue": queue, "expires": settings.WEBHOOK_SWEEP_S * 2},
        },
    }
    for zone, clock_times in sorted(timeline_times().items()):
        for clock_time in sorted(clock_times):
            entries[f"pipeline-{zone}-{clock_time:%H%M}"] = {
                "task": "pipeline.advance",
                "schedule": LocalTimeSchedule(clock_time),
                "kwargs": {"zone": zone},
                "options": {"queue": queue, "expires": 3600},
            }
    return entries


class TimelineScheduler(PersistentScheduler):
    """The persistent scheduler plus the timeline's entries, re-read every few minutes."""

    def setup_schedule(self) -> None:
        super().setup_schedule()
        self._merge_timeline()

    def _merge_timeline(self) -> None:
        entries = timeline_entries()
        stale = [
            name for name in self.schedule if name.startswith("pipeline-") and name not in entries
        ]
        for name in stale:
            self.schedule.pop(name, None)
        self.update_from_dict(entries)
        self._timeline_read_at = time.monotonic()

    def tick(self, *args, **kwargs):
        if (
            time.monotonic() - getattr(self, "_timeline_read_at", 0)
            > settings.PIPELINE_BEAT_REFRESH_S
        ):
            self._merge_timeline()
        return super().tick(*args, **kwargs)


__all__ = ["LocalTimeSchedule", "ScheduleEntry", "TimelineScheduler", "timeline_entries"]
