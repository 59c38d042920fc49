"""Ingestion throughput: bulk service and REST telemetry, each against raw COPY of the same rows.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ainergy_bench .venv/bin/python benchmarks/ingest.py [--rows 1000000]

Creates (and drops) the database named in DATABASE_URL. Prints rows/s for
1. raw ``COPY`` straight into the observation table (the baseline),
2. ``observations_write_frame`` (vectorised validation, COPY into staging, one upsert),
3. ``POST /api/v1/telemetry`` over real HTTP (a WSGI server thread, 5,000 readings a request),
and each as a ratio to the raw COPY measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.test")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is created and dropped)")

    import django
    import numpy as np
    import pandas as pd
    import psycopg
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["*"]
    settings.TELEMETRY_MAX_READINGS_PER_REQUEST = args.batch
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment  # noqa: F401 - keeps settings sane

    name = connection.settings_dict["NAME"]
    admin_dsn = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        call_command("migrate", verbosity=0)
        run(args, np, pd)
    finally:
        connection.close()
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args, np, pd) -> None:
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, transaction

    from ainergy.assets.models import HeatPump, Site
    from ainergy.assets.services import asset_create
    from ainergy.timeseries.models import Observation, Series
    from ainergy.timeseries.services import observations_write_frame, series_create
    from tenants.services import api_token_create, tenant_create

    rows = args.rows
    tenant = tenant_create(slug="bench", name="Bench", kind="aggregator")
    times = pd.date_range("2020-01-01T00:00Z", periods=rows, freq="1min")
    values = np.random.default_rng(0).uniform(0, 5000, rows).round(3)

    # 1. raw COPY, no validation, no upsert: the floor of what PostgreSQL can take
    raw_series = series_create(
        tenant=tenant, key="raw", kind="electric_power", resolution_minutes=1
    )
    buffer = io.StringIO()
    pd.DataFrame(
        {
            "series_id": raw_series.pk,
            "time": times,
            "value": values,
            "source": "bench",
            "received_at": times[0],
        }
    ).to_csv(buffer, index=False, header=False, date_format="%Y-%m-%dT%H:%M:%S%z")
    payload = buffer.getvalue()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {Observation._meta.db_table} (series_id, time, value, source, received_at) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            copy.write(payload)
    raw_s = time.perf_counter() - started

    # 2. the bulk service path, from a DataFrame (as CSV import and connectors use it)
    service_series = series_create(
        tenant=tenant, key="service", kind="electric_power", resolution_minutes=1
    )
    frame = pd.DataFrame({"time": times, "value": values})
    started = time.perf_counter()
    observations_write_frame(tenant=tenant, series=service_series, frame=frame, source="bench")
    service_s = time.perf_counter() - started

    # 3. REST telemetry over HTTP
    site = asset_create(
        tenant=tenant,
        model=Site,
        data={"name": "Site", "latitude_deg": 56.0, "longitude_deg": 10.0, "bidding_zone": "DK1"},
    )
    asset_create(
        tenant=tenant,
        model=HeatPump,
        data={
            "site_id": site.pk,
            "name": "HP",
            "kind": "large",
            "device_id": "bench-hp",
            "power_min_kw": 0.0,
            "power_max_kw": 10_000.0,
            "carnot_quality_grade": 0.5,
            "source_temperature_c": 8.0,
            "sink_temperature_c": 75.0,
        },
    )
    _, secret = api_token_create(tenant=tenant, name="bench", scopes=["ingest"])
    stamps = times.strftime("%Y-%m-%dT%H:%M:%SZ")
    bodies = [
        json.dumps(
            {
                "readings": [
                    {
                        "device_id": "bench-hp",
                        "time": stamps[i],
                        "electric_power_kw": float(values[i]),
                    }
                    for i in range(start, min(start + args.batch, rows))
                ]
            }
        ).encode()
        for start in range(0, rows, args.batch)
    ]
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    import http.client

    client = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=120)
    started = time.perf_counter()
    for body in bodies:
        client.request(
            "POST",
            "/api/v1/telemetry",
            body=body,
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        )
        response = client.getresponse()
        answer = response.read()
        if response.status != 200:
            raise SystemExit(f"REST ingest failed: {response.status} {answer[:300]!r}")
        client.close()
        client = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=120)
    rest_s = time.perf_counter() - started
    server.shutdown()

    counts = {
        key: Observation.objects.filter(series__key=key).count() for key in ("raw", "service")
    }
    counts["rest"] = Observation.objects.filter(series__heat_pump__isnull=False).count()
    assert counts == {"raw": rows, "service": rows, "rest": rows}, counts
    print(
        f"rows: {rows:,}  (PostgreSQL {connection.pg_version // 10000}, TimescaleDB: {connection.has_timescaledb})"
    )
    print(f"{'path':<32}{'seconds':>10}{'rows/s':>14}{'vs raw COPY':>14}")
    for label, seconds in (
        ("raw COPY (baseline)", raw_s),
        ("bulk service (validate+upsert)", service_s),
        ("REST telemetry over HTTP", rest_s),
    ):
        print(f"{label:<32}{seconds:>10.2f}{rows / seconds:>14,.0f}{raw_s / seconds:>13.1%}")
    Series.objects.all().delete()


if __name__ == "__main__":
    main()
