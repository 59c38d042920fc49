"""The documented worker topology: one Celery worker per queue family.

``python -m ainergy.workers bidding`` starts the worker of the ``bidding`` family (``make worker
FAMILY=bidding``; the systemd template ``ainergy-worker@bidding`` in docs/deployment.md). Each
family consumes its own queues with its own concurrency, so day-ahead bidding before gate
closure never waits behind a sizing study or a forecast fit. Time limits are per task
(``JOB_TASK_TIME_LIMITS_S`` in the settings) and apply whichever worker runs the task.

Environment: ``WORKER_CONCURRENCY`` overrides the family's concurrency (e.g. on a bigger
machine), ``JOB_QUEUE_PREFIX`` is prepended to the queue names (test isolation on a shared
Redis), ``LOG_LEVEL`` as everywhere. Arguments after the family name go to ``celery worker``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerFamily:
    queues: tuple[str, ...]
    concurrency: int  # prefork children: jobs of this family running at once on one machine
    max_tasks_per_child: int  # recycle children (solver and Prophet memory is not returned)
    description: str


FAMILIES: dict[str, WorkerFamily] = {
    "bidding": WorkerFamily(
        ("bidding",), 2, 20, "bid plans and pool dispatch: short, deadline-bound (gate closure)"
    ),
    "forecasting": WorkerFamily(("forecasting",), 1, 10, "forecast runs: Prophet fits, minutes"),
    "sizing": WorkerFamily(("sizing",), 1, 5, "household sizing studies: long MILPs"),
    "default": WorkerFamily(
        ("default",), 2, 50, "household day-ahead schedules, diagnostics, everything else"
    ),
    "ingestion": WorkerFamily(
        ("ingestion",), 2, 100, "connectors: market data on the beat schedule, meter data syncs"
    ),
}


def worker_command(family: str, *extra: str) -> list[str]:
    """The ``celery worker`` command line of one family (run with this interpreter)."""
    try:
        spec = FAMILIES[family]
    except KeyError:
        raise SystemExit(
            f"unknown worker family {family!r}; one of: {', '.join(FAMILIES)}"
        ) from None
    prefix = os.environ.get("JOB_QUEUE_PREFIX", "")
    concurrency = int(os.environ.get("WORKER_CONCURRENCY") or spec.concurrency)
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "ainergy.celery",
        "worker",
        "--queues",
        ",".join(prefix + queue for queue in spec.queues),
        "--concurrency",
        str(concurrency),
        "--max-tasks-per-child",
        str(spec.max_tasks_per_child),
        "--hostname",
        f"{prefix}{family}@%h",
        "--loglevel",
        os.environ.get("LOG_LEVEL", "INFO"),
        *extra,
    ]


def main(argv: list[str]) -> None:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        for name, spec in FAMILIES.items():
            print(
                f"  {name:12} -Q {','.join(spec.queues):12} -c {spec.concurrency}  {spec.description}"
            )
        raise SystemExit(0 if argv else 2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.production")
    command = worker_command(argv[0], *argv[1:])
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
