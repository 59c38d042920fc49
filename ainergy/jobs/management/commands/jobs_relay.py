"""``manage.py jobs_relay``: publish the job outbox and requeue jobs of dead workers, forever.

Run one or more next to the workers (each pass locks what it touches, so relays can overlap).
It needs PostgreSQL, not the broker: while the broker is down it keeps the jobs and retries.
"""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from ainergy.jobs.outbox import outbox_relay_once


class Command(BaseCommand):
    help = "Publish queued jobs from the outbox to the broker and requeue jobs of dead workers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="one pass, then exit (cron, scripts)"
        )
        parser.add_argument("--interval", type=float, default=None, help="seconds between passes")

    def handle(self, *args, **options):
        interval = options["interval"] or settings.JOB_RELAY_INTERVAL_S
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"jobs relay: pass every {interval:g} s")
        self.stdout.flush()
        broker_was_down = False
        while True:
            close_old_connections()
            report = outbox_relay_once()
            if report.reaped or report.published:
                self.stdout.write(
                    f"jobs relay: requeued {report.reaped} job(s) of dead workers, "
                    f"published {report.published}"
                )
            if bool(report.broker_error) != broker_was_down:
                broker_was_down = bool(report.broker_error)
                self.stdout.write(
                    f"jobs relay: broker unreachable ({report.broker_error})"
                    if broker_was_down
                    else "jobs relay: broker reachable again"
                )
            self.stdout.flush()
            if options["once"] or stop.wait(interval):
                return
