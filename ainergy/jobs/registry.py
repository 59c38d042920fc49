"""Job kinds: which queue each runs on and which Celery task runs it.

One queue per job kind family, so a long sizing study cannot starve day-ahead bidding before
gate closure. Deadline-bound kinds (day-ahead bids, dispatch, household schedules) go first: the
relay admits them before other pending jobs and the broker hands them out first. Apps register
their kinds in ``AppConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ainergy.common.errors import ValidationError

QUEUES = ("default", "forecasting", "bidding", "sizing", "ingestion")
DEADLINE_PRIORITY = 0
NORMAL_PRIORITY = 6


@dataclass(frozen=True)
class JobKind:
    name: str
    queue: str
    task_name: str
    description: str = ""
    max_retries: int = 3
    is_deadline_bound: bool = False  # must finish before a market gate closes

    @property
    def priority(self) -> int:
        """Broker priority (Redis: 0 is served first)."""
        return DEADLINE_PRIORITY if self.is_deadline_bound else NORMAL_PRIORITY


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    if kind.queue not in QUEUES:
        raise ValueError(f"queue {kind.queue!r} of job kind {kind.name!r} is not in {QUEUES}")
    _KINDS[kind.name] = kind


def get_job_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise ValidationError("kind", f"unknown job kind {name!r}") from None


def job_kinds() -> list[JobKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.name)
