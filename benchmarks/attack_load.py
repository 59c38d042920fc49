"""Issue 15's attacks replayed beside legitimate traffic against the production server.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ainergy_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        nice .venv/bin/python benchmarks/attack_load.py [--port 8810] [--seconds 8] [--quick]

Creates (and drops) the database named in DATABASE_URL, seeds a legitimate tenant and an
attacking one, and starts gunicorn + uvicorn workers with the production settings (rate limits,
cost limits, introspection off; clients are told apart by ``X-Forwarded-For`` behind one trusted
proxy, as in a deployment behind a load balancer). Then:

1. **Capacity**: p50/p95/p99 and requests/s at 1, 10 and 50 closed-loop clients for ``me``, the
   household schedule query (96 periods), the household schedule REST endpoint and the bid plan
   list; per-caller rate limits raised so the figures show the server, not the limiter.
2. **Attack**: legitimate clients at a steady rate (each its own token and address), first alone
   (quiet), then beside one attacker per attack of the issue (its findings 1, 2, 6, 7, 8, 10 and
   a job flood), production limits on. Prints the legitimate p50/p95/p99 of both runs, their
   ratio (target: p95 within 2x of quiet), and what each attack got back.
3. **Worker loss**: two workers on the default queue and the relay; a job runs, its whole worker
   is SIGKILLed; prints the seconds until another worker has taken it over and until it is done.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.test")
FERNET_KEY = "3q2-7wK4bFq8pU0G1b6Yd9m0yX6dI3oQWcA5kJ2vN8E="
PREFIX = "bench-"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(latencies: list[float]) -> dict:
    ms = [1000 * x for x in latencies]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
    }


# --- seeding --------------------------------------------------------------------------------


def seed(tokens_needed: int) -> dict:
    """Two tenants: 'legit' (household with a 96-period schedule, pool with 20 bid plans) and
    'attacker' (a one-minute series, a pool with plans, a device); tokens for both."""
    import datetime as dt

    from strawberry import relay

    from ainergy.assets import models as assets
    from ainergy.jobs.models import Job
    from ainergy.timeseries.services import series_create
    from optimization.models import HouseholdSchedule, HouseholdSchedulePeriod
    from tenants.services import api_token_create, tenant_create, user_get_or_create
    from tests.optimization.app.bidding_world import build_pool, make_plan, public_series

    def gid(type_name: str, pk: int) -> str:
        return str(relay.GlobalID(type_name, str(pk)))

    public_series()
    legit = tenant_create(slug="legit", name="Legit", kind="aggregator")
    attacker = tenant_create(slug="attacker", name="Attacker", kind="aggregator")
    world = build_pool(legit, name="Legit")
    for day in range(20):
        make_plan(legit, world, day=dt.date(2024, 1, 1) + dt.timedelta(days=day))
    evil = build_pool(attacker, name="Evil")
    for day in range(5):
        make_plan(attacker, evil, day=dt.date(2024, 1, 1) + dt.timedelta(days=day))
    site = world["site"]
    assets.HeatPump.objects.filter(tenant=attacker).update(device_id="evil-hp")
    temperature = series_create(
        tenant=legit, key="t", kind="outdoor_temperature", resolution_minutes=60, site=site
    )
    irradiance = series_create(
        tenant=legit, key="g", kind="solar_irradiance", resolution_minutes=60, site=site
    )
    prices = series_create(tenant=legit, key="p", kind="day_ahead_price", resolution_minutes=60)
    job = Job.objects.create(tenant=legit, kind="household_schedule", queue="default",
                             status="succeeded")  # fmt: skip
    day = dt.date(2024, 1, 15)
    schedule = HouseholdSchedule.objects.create(
        tenant=legit, site=site, job=job, delivery_day=day, step_minutes=15,
        temperature_series=temperature, solar_irradiance_series=irradiance, price_series=prices,
        annual_heat_demand_kwh=12000.0, tariff_table={}, period_count=96, total_cost_eur=3.2,
    )  # fmt: skip
    start = dt.datetime(2024, 1, 14, 23, tzinfo=dt.UTC)
    HouseholdSchedulePeriod.objects.bulk_create(
        HouseholdSchedulePeriod(
            tenant=legit,
            schedule=schedule,
            start_at=start + dt.timedelta(minutes=15 * k),
            heat_pump_power_kw=1.0,
            heat_pump_heat_kw=3.0,
            backup_heater_power_kw=0.0,
            pv_used_kw=0.0,
            battery_charge_kw=0.5,
            battery_discharge_kw=0.0,
            battery_energy_kwh=1.0,
            ev_charge_kw=0.0,
            grid_import_kw=1.5,
            grid_export_kw=0.0,
            tank_energy_kwh=4.0,
            import_price_eur_per_kwh=0.3,
            export_price_eur_per_kwh=0.05,
            cost_eur=0.1,
        )  # fmt: skip
        for k in range(96)
    )
    minute = series_create(tenant=attacker, key="m", kind="electric_power", resolution_minutes=1)
    owner = user_get_or_create(email="victim@legit.dk")
    owner.set_password("correct horse battery staple")
    owner.save()

    def tokens(tenant, count, scopes):
        return [
            api_token_create(tenant=tenant, name=f"b{i}", scopes=scopes)[1] for i in range(count)
        ]

    return {
        "legit_tokens": tokens(legit, tokens_needed, ["read", "write", "ingest"]),
        "attacker_tokens": tokens(attacker, 12, ["read", "write", "ingest"]),
        "attacker_write_only": tokens(attacker, 1, ["write"])[0],
        "site": gid("Site", site.pk),
        "schedule": gid("HouseholdSchedule", schedule.pk),
        "minute_series": gid("Series", minute.pk),
        "evil_pool": gid("Pool", evil["pool"].pk),
    }


# --- server and workers -----------------------------------------------------------------------


def production_env(database_url: str, redis_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="ainergy.settings.production",
        SECRET_KEY="benchmark-secret-key-0123456789abcdef",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
        SECURE_SSL_REDIRECT="0",
        RATE_LIMIT_TRUSTED_PROXY_COUNT="1",
        RATE_LIMIT_KEY_PREFIX=f"bench:{os.getpid()}:{time.time_ns()}:",
        JOB_QUEUE_PREFIX=PREFIX,
        STATIC_ROOT="/tmp/attack-load-static",
        LOG_LEVEL="WARNING",
    )
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["AINERGY_ALLOW_ROOT"] = "1"
    env.update(extra)
    return env


_collected: list[bool] = []


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    import requests

    env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    if not _collected:
        subprocess.run(  # as `make serve` does (once: the files do not change between servers)
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        _collected.append(True)
    log = open(f"/tmp/attack-load-server-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "ainergy/gunicorn_conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.5)
    raise SystemExit(f"server did not start; see /tmp/attack-load-server-{port}.log")


def stop(process: subprocess.Popen, kill: bool = False) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- clients ----------------------------------------------------------------------------------

ME = "{ me { kind tenant { slug } } }"
SCHEDULE = """query($id: ID!) { householdSchedule(id: $id) { deliveryDay totalCostEur
  periods { startAt heatPumpPowerKw batteryEnergyKwh gridImportKw costEur } } }"""
PLANS = "{ bidPlans(first: 20) { totalCount edges { node { id deliveryDay status } } } }"


@dataclass
class Legit:
    base: str
    token: str
    ip: str
    site: str
    schedule: str
    session: object = None

    def __post_init__(self):
        import requests

        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {self.token}", "X-Forwarded-For": self.ip}
        )

    def call(self, endpoint: str) -> tuple[bool, float]:
        started = time.perf_counter()
        if endpoint == "rest_schedule":
            response = self.session.get(
                f"{self.base}/api/v1/households/{self.site}/schedule",
                params={"day": "2024-01-15"},
                timeout=60,
            )
            ok = response.status_code == 200
        else:
            query, variables = {
                "me": (ME, {}),
                "schedule_query": (SCHEDULE, {"id": self.schedule}),
                "bid_plan_list": (PLANS, {}),
            }[endpoint]
            response = self.session.post(
                f"{self.base}/graphql", json={"query": query, "variables": variables}, timeout=60
            )
            ok = response.status_code == 200 and "errors" not in response.json()
        return ok, time.perf_counter() - started


ENDPOINTS = ("me", "schedule_query", "rest_schedule", "bid_plan_list")


def closed_loop(clients: list[Legit], endpoint: str, seconds: float) -> dict:
    latencies: list[float] = []
    failures = Counter()
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()

    def run(client: Legit) -> None:
        while time.monotonic() < stop_at:
            ok, elapsed = client.call(endpoint)
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures["failed"] += 1

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {**summary(latencies), "rps": round(len(latencies) / wall, 1), **failures}


def open_loop(clients: list[Legit], rate_per_client: float, seconds: float) -> dict:
    """Each client sends the four endpoints in turn at a steady rate (no coordinated omission:
    the latency counts from the scheduled send time)."""
    latencies: list[float] = []
    failures = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(client: Legit, offset: float) -> None:
        interval = 1.0 / rate_per_client
        due = time.monotonic() + offset
        k = 0
        while due < stop_at:
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            lag = max(0.0, time.monotonic() - due)
            ok, elapsed = client.call(ENDPOINTS[k % len(ENDPOINTS)])
            with lock:
                latencies.append(lag + elapsed)
                if not ok:
                    failures["failed"] += 1
            k += 1
            due += interval

    threads = [
        threading.Thread(target=run, args=(c, random.random() / rate_per_client)) for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {**summary(latencies), **failures}


# --- attacks ----------------------------------------------------------------------------------


@dataclass
class Attack:
    name: str
    finding: str
    send: object  # callable(session) -> requests.Response
    statuses: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)
    messages: dict = field(default_factory=dict)  # first message per code
    sent: int = 0


def attacks(base: str, world: dict) -> list[tuple[Attack, dict]]:
    minute = world["minute_series"]
    aliases = " ".join(
        f'a{i}: seriesValues(seriesId: "{minute}", start: "2024-01-01T00:00:00Z", '
        f'end: "2025-01-01T00:00:00Z") {{ time value }}'
        for i in range(15)
    )
    plans = " ".join(
        f"p{i}: bidPlans(first: 100) {{ edges {{ node {{ id dayAheadCurves {{ points "
        f"{{ priceEurPerMwh volumeMw }} }} periods {{ startAt powerKw }} }} }} }}"
        for i in range(15)
    )
    daily = (
        f'{{ dailyValues(seriesId: "{minute}", firstDay: "2022-01-01", lastDay: "2023-12-31") '
        "{ localDay value } }"
    )
    repeated = "{" + "me{kind}" * 420 + "}"
    codes = json.dumps(
        {
            "query": "mutation($i: BidPlanInput!) { bidPlanRequest(input: $i) { id } }",
            "variables": {
                "i": {
                    "poolId": world["evil_pool"],
                    "deliveryDay": "2024-01-15",
                    "productCodes": ["FCR_D_UP"] * 200_000,
                }
            },
        }
    )
    deep = '{"readings": ' + "[" * 5000 + "]" * 5000 + "}"
    huge_number = '{"readings": [{"device_id": "evil-hp", "time": "2024-01-01T00:00:00Z", ' + (
        '"electric_power_kw": ' + "9" * 400 + "}]}"
    )
    payload_read = (
        "mutation($id: ID!) { poolUpdate(id: $id, input: {}) { id name heatPumps { name deviceId }"
        " marketAccount { balanceResponsiblePartyId } } }"
    )

    def gql(query, variables=None):
        return lambda s: s.post(
            f"{base}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
        )

    def raw(path, body):
        return lambda s: s.post(
            f"{base}{path}", data=body, headers={"Content-Type": "application/json"}, timeout=60
        )

    def login(session):
        page = session.get(f"{base}/login/", timeout=30)
        token = session.cookies.get("csrftoken", "")
        return session.post(
            f"{base}/login/",
            data={
                "username": "victim@legit.dk",
                "password": f"guess{random.random()}",
                "csrfmiddlewaretoken": token,
            },  # fmt: skip
            headers={"Referer": page.url, "X-CSRFToken": token},
            timeout=30,
        )

    tokens = iter(world["attacker_tokens"])
    plan = [
        (
            Attack("seriesValues x15 aliases, 1-min series, a year", "1", gql(f"{{ {aliases} }}")),
            "token",
        ),
        (
            Attack("bidPlans(first:100) x15 with curves and periods", "1", gql(f"{{ {plans} }}")),
            "token",
        ),
        (Attack("dailyValues over 1M raw points", "1", gql(daily)), "token"),
        (
            Attack(
                "anonymous GET {me{kind} x420}",
                "2",
                lambda s: s.get(f"{base}/graphql", params={"query": repeated}, timeout=60),
            ),
            "anonymous",
        ),
        (Attack("authenticated {me{kind} x420}", "2", gql(repeated)), "token"),
        (Attack("introspection", "2", gql("{ __schema { types { name } } }")), "token"),
        (Attack("200 000 product codes", "6", raw("/graphql", codes)), "token"),
        (Attack("REST 5000-deep nesting", "7", raw("/api/v1/telemetry", deep)), "token"),
        (Attack("REST 400-digit number", "7", raw("/api/v1/telemetry", huge_number)), "token"),
        (
            Attack(
                "write-only token reads a payload",
                "8",
                gql(payload_read, {"id": world["evil_pool"]}),
            ),
            "write_only",
        ),
        (Attack("password guessing", "10", login), "anonymous"),
        (
            Attack(
                "job flood (diagnostic jobs)",
                "5",
                gql("mutation { diagnosticJobRequest(input: {steps: 20, stepDelayS: 1}) { id } }"),
            ),
            "token",
        ),
    ]
    out = []
    for index, (attack, auth) in enumerate(plan):
        headers = {"X-Forwarded-For": f"198.51.100.{index + 1}"}
        if auth == "token":
            headers["Authorization"] = f"Bearer {next(tokens)}"
        elif auth == "write_only":
            headers["Authorization"] = f"Bearer {world['attacker_write_only']}"
        out.append((attack, headers))
    return out


def run_attacks(plan, stop_event: threading.Event, rate: float) -> list[threading.Thread]:
    """One thread per attack: ``rate`` requests/s each (open loop), or as fast as the server
    answers (``rate`` 0: a flood that ignores every 429)."""
    import requests

    def loop(attack: Attack, headers: dict) -> None:
        session = requests.Session()
        session.headers.update(headers)
        due = time.monotonic() + random.random() / max(rate, 1.0)
        while not stop_event.is_set():
            if rate > 0:
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                due += 1.0 / rate
            try:
                response = attack.send(session)
            except requests.RequestException as error:
                attack.statuses[type(error).__name__] += 1
                continue
            attack.sent += 1
            attack.statuses[response.status_code] += 1
            try:
                for error in response.json().get("errors", []):
                    code = error.get("extensions", {}).get("code") or error.get("code")
                    attack.codes[code] += 1
                    attack.messages.setdefault(code, str(error.get("message"))[:160])
            except ValueError:  # an HTML page (the portal's login form)
                attack.codes[f"HTML {response.status_code}"] += 1
                title = response.text.split("<title>", 1)[-1].split("</title>", 1)[0]
                attack.messages.setdefault(f"HTML {response.status_code}", title[:80])

    threads = [threading.Thread(target=loop, args=item, daemon=True) for item in plan]
    for thread in threads:
        thread.start()
    return threads


# --- worker loss ------------------------------------------------------------------------------


def worker_loss(
    env: dict, base: str, token: str, repeats: int, step_delay_s: int = 3
) -> list[dict]:
    import requests
    from django.db import close_old_connections
    from strawberry import relay

    from ainergy.jobs.models import Job

    def start_worker(name: str) -> subprocess.Popen:
        log = open(f"/tmp/attack-load-{name}.log", "w")  # noqa: SIM115
        started.append(name)
        return subprocess.Popen(
            [sys.executable, "-m", "ainergy.workers", "default", "-n", f"{name}@%h",
             "--without-gossip", "--without-mingle"],  # fmt: skip
            cwd=ROOT, env={**env, "LOG_LEVEL": "INFO"},  # INFO: its "ready." line
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def group(process) -> set[int]:
        pids = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == process.pid:
                        pids.add(int(entry.name))
                except ProcessLookupError:
                    pass
        return pids

    relay_log = open("/tmp/attack-load-relay.log", "w")  # noqa: SIM115
    relay_process = subprocess.Popen(
        [sys.executable, "manage.py", "jobs_relay"],
        cwd=ROOT, env=env, stdout=relay_log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip

    def wait_ready(timeout_s: float = 180.0) -> None:
        """Until every started worker has printed ``ready.`` (they import Django and solvers)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            logs = [Path(f"/tmp/attack-load-{name}.log").read_text(errors="replace")
                    for name in started]  # fmt: skip
            if all("ready." in log for log in logs):
                return
            time.sleep(0.5)
        raise SystemExit("workers did not start; see /tmp/attack-load-w*.log")

    started: list[str] = []
    workers = [start_worker(f"w{i}") for i in range(2)]
    wait_ready()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    results = []
    try:
        for _ in range(repeats):
            body = session.post(
                f"{base}/graphql",
                json={
                    "query": "mutation { diagnosticJobRequest(input: {steps: 20, "
                    f"stepDelayS: {step_delay_s}}}) {{ id }} }}"
                },  # fmt: skip
                timeout=30,
            ).json()
            job_id = int(relay.GlobalID.from_id(body["data"]["diagnosticJobRequest"]["id"]).node_id)
            while True:
                close_old_connections()
                job = Job.objects.get(pk=job_id)
                if job.status == "running" and job.progress_fraction > 0:
                    break
                time.sleep(0.2)
            pid = int(job.worker.rsplit(":", 1)[1])
            victim = next(w for w in workers if pid in group(w))
            killed_at = time.monotonic()
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait()
            taken_over = finished = None
            while finished is None and time.monotonic() - killed_at < 300:
                close_old_connections()
                job = Job.objects.get(pk=job_id)
                if taken_over is None and job.attempts >= 2 and job.status == "running":
                    taken_over = time.monotonic() - killed_at
                if job.is_finished:
                    finished = time.monotonic() - killed_at
                time.sleep(0.2)
            results.append(
                {
                    "takeover_s": round(taken_over, 1) if taken_over else None,
                    "finished_s": round(finished, 1) if finished else None,
                    "status": job.status,
                    "attempts": job.attempts,
                }
            )
            if len(results) < repeats:
                workers = [w for w in workers if w is not victim]
                workers.append(start_worker(f"w{time.time_ns()}"))
                wait_ready()
    finally:
        for process in [*workers, relay_process]:
            stop(process, kill=True)
    return results


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8810)
    parser.add_argument("--seconds", type=float, default=8.0, help="per capacity measurement")
    parser.add_argument("--attack-seconds", type=float, default=40.0)
    parser.add_argument(
        "--attack-rate", type=float, default=5.0, help="requests/s per attack; 0 = flood"
    )
    parser.add_argument("--legit-clients", type=int, default=10)
    parser.add_argument("--legit-rate", type=float, default=0.5, help="requests/s per client")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--loss-repeats", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="short runs, 1 and 10 clients")
    parser.add_argument("--skip", default="", help="comma list of: capacity,attack,loss")
    args = parser.parse_args()
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit("set DATABASE_URL (PostgreSQL; it is created and dropped) and REDIS_URL")
    skip = set(filter(None, args.skip.split(",")))
    levels = (1, 10) if args.quick else (1, 10, 50)
    seconds = 3.0 if args.quick else args.seconds

    import django
    import psycopg

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    began = time.monotonic()
    phases: dict[str, int] = {}  # [s] since the start, at the end of each phase
    report: dict = {
        "machine": {"cores": os.cpu_count(), "load_1m": os.getloadavg()[0]},
        "phases_s": phases,
    }
    server = None
    try:
        call_command("migrate", verbosity=0)
        world = seed(tokens_needed=max(levels) + args.legit_clients)
        phases["seed"] = round(time.monotonic() - began)
        base = f"http://127.0.0.1:{args.port}"

        def clients(count: int, offset: int = 0) -> list[Legit]:
            return [
                Legit(
                    base,
                    world["legit_tokens"][offset + i],
                    f"203.0.113.{offset + i + 1}",
                    world["site"],
                    world["schedule"],
                )  # fmt: skip
                for i in range(count)
            ]

        if "capacity" not in skip:
            env = production_env(
                database_url, redis_url,
                RATE_LIMIT_PER_CALLER_PER_MINUTE="1000000",
                RATE_LIMIT_PER_IP_PER_MINUTE="1000000",
                RATE_LIMIT_PER_TENANT_PER_MINUTE="1000000",
                GRAPHQL_COST_BUDGET_PER_MINUTE="1000000000",
            )  # fmt: skip
            server = start_server(env, args.port, args.web_workers)
            closed_loop(clients(4), "me", 2.0)  # warm-up
            report["capacity"] = {
                endpoint: {
                    level: closed_loop(clients(level), endpoint, seconds) for level in levels
                }
                for endpoint in ENDPOINTS
            }
            stop(server)
            server = None
            phases["capacity"] = round(time.monotonic() - began)
        if "attack" not in skip:
            env = production_env(database_url, redis_url)
            server = start_server(env, args.port, args.web_workers)
            legit = clients(args.legit_clients, offset=max(levels))
            open_loop(legit, args.legit_rate, 3.0)  # warm-up
            attack_seconds = 20.0 if args.quick else args.attack_seconds
            quiet = open_loop(legit, args.legit_rate, attack_seconds)
            plan = attacks(base, world)
            stop_event = threading.Event()
            threads = run_attacks(plan, stop_event, args.attack_rate)
            time.sleep(2.0)
            attacked = open_loop(legit, args.legit_rate, attack_seconds)
            stop_event.set()
            for thread in threads:
                thread.join(timeout=90)
            report["attack"] = {
                "attack_rate_per_attack": args.attack_rate or "flood",
                "legit_clients": args.legit_clients,
                "legit_rate_per_client": args.legit_rate,
                "quiet": quiet,
                "under_attack": attacked,
                "p95_ratio": round(attacked["p95_ms"] / quiet["p95_ms"], 2),
                "attacks": [
                    {
                        "finding": attack.finding,
                        "attack": attack.name,
                        "sent": attack.sent,
                        "statuses": dict(attack.statuses),
                        "codes": dict(attack.codes),
                        "messages": attack.messages,
                    }
                    for attack, _ in plan
                ],
            }
            phases["attack"] = round(time.monotonic() - began)
        if "loss" not in skip:
            env = production_env(database_url, redis_url)
            if server is None or server.poll() is not None:
                server = start_server(env, args.port, args.web_workers)
            report["worker_loss"] = worker_loss(
                env,
                base,
                world["legit_tokens"][0],
                1 if args.quick else args.loss_repeats,
                step_delay_s=1 if args.quick else 3,  # a 20 s job when quick, else 60 s
            )
            phases["loss"] = round(time.monotonic() - began)
        if server is not None:
            stop(server)
    finally:
        if server is not None:
            stop(server, kill=True)
        connection.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report["machine"]["load_1m_end"] = os.getloadavg()[0]
    report["machine"]["elapsed_s"] = round(time.monotonic() - began)
    print(json.dumps(report, indent=1, default=str))
    print_tables(report)


def print_tables(report: dict) -> None:
    if "capacity" in report:
        print("\n| endpoint | clients | p50 ms | p95 ms | p99 ms | req/s | failed |")
        print("|---|---|---|---|---|---|---|")
        for endpoint, levels in report["capacity"].items():
            for level, row in levels.items():
                print(f"| {endpoint} | {level} | {row['p50_ms']} | {row['p95_ms']} | "
                      f"{row['p99_ms']} | {row['rps']} | {row.get('failed', 0)} |")  # fmt: skip
    if "attack" in report:
        attack = report["attack"]
        print("\n| legitimate traffic | n | p50 ms | p95 ms | p99 ms | failed |")
        print("|---|---|---|---|---|---|")
        for label in ("quiet", "under_attack"):
            row = attack[label]
            print(f"| {label} | {row['n']} | {row['p50_ms']} | {row['p95_ms']} | "
                  f"{row['p99_ms']} | {row.get('failed', 0)} |")  # fmt: skip
        print(
            f"\np95 under attack / quiet = {attack['p95_ratio']} "
            f"(attacks at {attack['attack_rate_per_attack']} req/s each)"
        )
        print("\n| finding | attack | sent | HTTP statuses | error codes | first message |")
        print("|---|---|---|---|---|---|")
        for row in attack["attacks"]:
            first = next(iter(row["messages"].values()), "")
            print(f"| {row['finding']} | {row['attack']} | {row['sent']} | {row['statuses']} | "
                  f"{row['codes']} | {first[:90]} |")  # fmt: skip
    if "worker_loss" in report:
        print("\nworker loss (whole worker SIGKILLed mid-job):", report["worker_loss"])


if __name__ == "__main__":
    main()
