"""Forecast runs: Prophet fit+predict time per series, and 100 runs through Celery vs in-process.

Run (from the repository root, PostgreSQL and Redis up):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ainergy REDIS_URL=redis://127.0.0.1:6379/1 \
        python -m benchmarks.forecast [--series 100] [--history-days 365] [--workers 2]

Builds a throwaway database (dropped at the end), writes ``--series`` tenant series cut from
real data in ../shared/data (Flensburg district heat, a Danish house's heat use, DK1/DK2 spot
prices), and requests one day-ahead Prophet forecast per series (issued D-1 10:00 local):

1. sequentially in this process (the job runner called in-process, as the eager mode does);
2. the same requests for a second tenant, executed by ``--workers`` real ``celery worker``
   processes (concurrency 1 each) on Redis against the same database.

Prints the fit+predict time per series (the runner's own timing), the wall time of both
passes and their ratio. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def real_series() -> list[tuple[str, str, pd.Series]]:
    """(name, kind, hourly values) cut from the shared files, in the series' units."""
    heat = pd.read_csv(SHARED_DATA / "district_heating_flensburg_hourly_2014_2015.csv")
    house = pd.read_csv(SHARED_DATA / "smart_heat_meter_dk_house660_hourly_2018_2020.csv")
    prices = pd.read_csv(SHARED_DATA / "spot_prices_dk1_dk2_hourly.csv.gz")

    def indexed(frame: pd.DataFrame, column: str, scale: float = 1.0) -> pd.Series:
        index = pd.DatetimeIndex(pd.to_datetime(frame["time_utc"], utc=True))
        return pd.Series(frame[column].to_numpy(dtype=float) * scale, index=index).dropna()

    return [
        ("flensburg-heat", "heat_demand", indexed(heat, "heat_load_mw", 1000.0)),  # MW → kW
        ("house660-heat", "heat_demand", indexed(house, "heat_kwh")),  # kWh per hour = kW
        (
            "dk1-price",
            "day_ahead_price",
            indexed(prices[prices.price_area == "DK1"], "price_eur_per_mwh"),
        ),
        (
            "dk2-price",
            "day_ahead_price",
            indexed(prices[prices.price_area == "DK2"], "price_eur_per_mwh"),
        ),
    ]


DATA_START = {  # first whole local day of each source used here
    "flensburg-heat": dt.date(2014, 1, 2),
    "house660-heat": dt.date(2018, 1, 4),
    "dk1-price": dt.date(2023, 1, 2),
    "dk2-price": dt.date(2023, 1, 2),
}


def plan(count: int, history_days: int) -> list[dict]:
    """``count`` (source, delivery day) pairs: the four sources, each on consecutive days."""
    sources = real_series()
    items = []
    for number in range(count):
        name, kind, values = sources[number % len(sources)]
        day = DATA_START[name] + dt.timedelta(days=history_days + 1 + number // len(sources))
        issued_at = (
            pd.Timestamp(day - dt.timedelta(days=1), tz="Europe/Copenhagen")
            + pd.Timedelta(hours=10)
        ).tz_convert("UTC")
        window = values[
            (values.index >= issued_at - pd.Timedelta(days=history_days + 1))
            & (values.index < issued_at + pd.Timedelta(days=2))
        ]
        items.append(
            {
                "key": f"{name}-{number:03d}",
                "kind": kind,
                "values": window,
                "day": day,
                "issued_at": issued_at.to_pydatetime(),
            }
        )
    return items


def setup_database(tenants: list, items: list[dict]) -> dict:
    from ainergy.timeseries.services import observations_write_frame, series_create

    made = {}
    for tenant in tenants:
        for item in items:
            series = series_create(
                tenant=tenant, key=item["key"], kind=item["kind"], resolution_minutes=60
            )
            frame = pd.DataFrame({"time": item["values"].index, "value": item["values"].to_numpy()})
            observations_write_frame(series=series, frame=frame, source="benchmark")
            made[(tenant.pk, item["key"])] = series
    return made


def request_all(tenant, made: dict, items: list[dict], history_days: int) -> list:
    from forecasting.services import forecast_run_request

    return [
        forecast_run_request(
            tenant=tenant,
            series=made[(tenant.pk, item["key"])],
            model_name="prophet",
            issued_at=item["issued_at"],
            delivery_day=item["day"],
            history_days=history_days,
        )
        for item in items
    ]


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    auth = f"{auth}@" if auth else ""
    return (
        f"postgresql://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


def start_workers(count: int, prefix: str, log_dir: Path) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ainergy.settings.test",
        "DATABASE_URL": database_url(),
        "AINERGY_CELERY_WORKER": "1",
        "JOB_QUEUE_PREFIX": prefix,
        "LOG_LEVEL": "WARNING",
    }
    processes, logs = [], []
    for number in range(count):
        log = log_dir / f"worker{number}.log"
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "ainergy.celery",
                    "worker",
                    "-Q",
                    f"{prefix}forecasting",
                    "-c",
                    "1",
                    "-n",
                    f"{prefix}bench{number}@%h",
                    "-l",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                ],
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )
        )
    deadline = time.monotonic() + 90
    for process, log in zip(processes, logs, strict=True):
        while "ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{log.read_text()}")
            time.sleep(0.2)
    return processes


def stop_workers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def summarise(runs: list) -> tuple[dict, list[float]]:
    from ainergy.jobs.models import Job
    from forecasting.models import ForecastRun

    jobs = Job.objects.filter(pk__in=[run.job_id for run in runs])
    statuses = {}
    for job in jobs:
        statuses[job.status] = statuses.get(job.status, 0) + 1
    fits = [
        run.metrics["fit_predict_seconds"]
        for run in ForecastRun.objects.filter(pk__in=[run.pk for run in runs])
        if "fit_predict_seconds" in run.metrics
    ]
    return statuses, fits


def describe(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (
        f"median {statistics.median(ordered):.2f} s, mean {statistics.fmean(ordered):.2f} s, "
        f"p90 {p90:.2f} s, min {ordered[0]:.2f} s, max {ordered[-1]:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100)
    parser.add_argument("--history-days", type=int, default=365)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("needs DATABASE_URL=postgresql://… and REDIS_URL=redis://…")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ainergy.settings.test"
    import django

    django.setup()
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection

    from ainergy.jobs.models import Job
    from tenants.services import tenant_create

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"bench_forecast_{os.getpid()}"
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        items = plan(arguments.series, arguments.history_days)
        sequential_tenant = tenant_create(
            slug="bench-seq", name="Bench sequential", kind="aggregator"
        )
        celery_tenant = tenant_create(slug="bench-celery", name="Bench celery", kind="aggregator")
        started = time.perf_counter()
        made = setup_database([sequential_tenant, celery_tenant], items)
        print(
            f"database {test_name}: {2 * len(items)} series, "
            f"{2 * sum(len(i['values']) for i in items)} observations written in "
            f"{time.perf_counter() - started:.1f} s"
        )

        # 1. sequential: eager mode runs each job in-process right after its request commits
        settings.CELERY_TASK_ALWAYS_EAGER = True
        started = time.perf_counter()
        sequential_runs = request_all(sequential_tenant, made, items, arguments.history_days)
        sequential_s = time.perf_counter() - started
        sequential_status, sequential_fits = summarise(sequential_runs)

        # 2. the same work through Celery: N worker processes on the forecasting queue
        prefix = f"bench{uuid.uuid4().hex[:6]}-"
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.JOB_QUEUE_PREFIX = prefix
        with tempfile.TemporaryDirectory() as log_dir:
            workers = start_workers(arguments.workers, prefix, Path(log_dir))
            try:
                started = time.perf_counter()
                celery_runs = request_all(celery_tenant, made, items, arguments.history_days)
                job_ids = [run.job_id for run in celery_runs]
                while (
                    Job.objects.filter(pk__in=job_ids)
                    .exclude(status__in=("succeeded", "failed", "cancelled"))
                    .exists()
                ):
                    time.sleep(0.2)
                celery_s = time.perf_counter() - started
            finally:
                stop_workers(workers)
        celery_status, celery_fits = summarise(celery_runs)

        print(f"model prophet, day-ahead (24/23/25 h), history {arguments.history_days} d, hourly")
        print(f"fit+predict per series, in-process:    {describe(sequential_fits)}")
        print(f"fit+predict per series, Celery worker: {describe(celery_fits)}")
        print(
            f"sequential in-process: {len(items)} runs in {sequential_s:.1f} s "
            f"({sequential_s / len(items):.2f} s/run) {sequential_status}"
        )
        print(
            f"Celery, {arguments.workers} workers x concurrency 1: {len(items)} runs in "
            f"{celery_s:.1f} s ({celery_s / len(items):.2f} s/run) {celery_status}"
        )
        print(f"speed-up sequential / Celery: {sequential_s / celery_s:.2f}x")
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
