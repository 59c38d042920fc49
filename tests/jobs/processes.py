"""Real processes for integration tests: Celery workers, the jobs relay, a private Redis.

Every process runs in its own session (process group), so a test can kill a whole worker —
main process and pool children — the way a lost machine would disappear.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from ainergy.jobs.registry import QUEUES


def database_url() -> str:
    """The URL of the test database (pytest-django's ``test_…`` name) for child processes."""
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return (
        f"postgresql://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    popen: subprocess.Popen
    log: Path
    name: str

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_output(self, marker: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while marker not in self.output():
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} did not print {marker!r}:\n{self.output()[-3000:]}"
                )
            time.sleep(0.1)

    def kill_group(self, signum: int = signal.SIGKILL) -> None:
        """Signal the whole process group: the main process and all its children at once."""
        try:
            os.killpg(self.popen.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self, *, kill: bool = False) -> None:
        """SIGTERM and wait (or SIGKILL at once: throw-away workers on a test's own queues)."""
        if self.popen.poll() is None:
            self.kill_group(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_group(signal.SIGKILL)
                self.popen.wait(timeout=10)

    def group_pids(self) -> set[int]:
        """Pids of the process group (main process and pool children)."""
        pids = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == self.popen.pid:
                        pids.add(int(entry.name))
                except ProcessLookupError:
                    continue
        return pids


def _spawn(command: list[str], env: dict, log: Path, name: str) -> Process:
    popen = subprocess.Popen(
        command,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
        start_new_session=True,
    )
    return Process(popen, log, name)


def process_env(*, prefix: str, broker_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ainergy.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "AINERGY_CELERY_WORKER": "1",
        "JOB_QUEUE_PREFIX": prefix,
        **extra,
    }


def start_worker(
    env: dict, log_dir: Path, *, name: str = "worker", concurrency: int = 2, queues=QUEUES
) -> Process:
    prefix = env["JOB_QUEUE_PREFIX"]
    process = _spawn(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ainergy.celery",
            "worker",
            "-Q",
            ",".join(prefix + queue for queue in queues),
            "-c",
            str(concurrency),
            "-n",
            f"{prefix}{name}@%h",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        env,
        log_dir / f"{name}.log",
        name,
    )
    process.wait_for_output("ready.")
    return process


def start_relay(env: dict, log_dir: Path, *, interval_s: float = 0.2) -> Process:
    process = _spawn(
        [sys.executable, "manage.py", "jobs_relay", "--interval", str(interval_s)],
        env,
        log_dir / "relay.log",
        "relay",
    )
    process.wait_for_output("jobs relay: pass every")
    return process


def start_redis(port: int, log_dir: Path) -> Process:
    """A private, throw-away Redis (no persistence) that a test may stop and start."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    process = _spawn(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        dict(os.environ),
        log_dir / f"redis-{port}.log",
        f"redis:{port}",
    )
    process.wait_for_output("Ready to accept connections")
    return process
