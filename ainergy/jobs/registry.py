"""Job kinds: which queue each runs on and which Celery task runs it.

One queue per job kind family, so a long sizing study cannot starve day-ahead bidding before
gate closure. Apps register their kinds in ``AppConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ainergy.common.errors import ValidationError

QUEUES = ("default", "forecasting", "bidding", "sizing", "ingestion")


@dataclass(frozen=True)
class JobKind:
    name: str
    queue: str
    task_name: str
    description: str = ""
    max_retries: int = 3


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
