"""Render time of the portal's bid plan page for a 96-MTU plan, in headless Debian Chromium.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ainergy_bench_portal \\
        nice .venv/bin/python benchmarks/portal_render.py [--repeat 7] [--port 8811] [--pumps 3]

Creates (and drops) the database named in DATABASE_URL, builds a DK1 pool (``--pumps`` heat
pumps) with prices and heat demand around 2024-01-15 and solves a real 15-minute bid plan for it
in-process (96 MTUs, day-ahead curves, the expected schedule per unit, scenario costs). The
built portal (`make portal`) is served by ``manage.py runserver`` (DEBUG, static files from the
build) and driven by Playwright on the system ``chromium``. After one warm-up load per page, each
repeat loads, in alternation:

* the **baseline**: the app's own not-found page (``/pools/x/y/z``): the same HTML, scripts,
  session query and layout, no page data, no chart;
* the **bid plan page**: until every chart on it holds its ECharts option (step curve of the
  first MTU, the 96-MTU overview heatmap, reserve offers if any, the schedule per unit, expected
  prices and heat, scenario costs) and no loading state is left.

Times are from navigation start (``performance.now()`` when the condition first holds, polled
every animation frame). Prints the medians, the minimum and maximum, and the ratio of the plan
page's median to the baseline's. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.test")
os.environ.setdefault("AINERGY_CELERY_WORKER", "0")  # the plan's job runs in this process
MANIFEST = ROOT / "frontend" / "static" / "portal" / ".vite" / "manifest.json"
DAY = dt.date(2024, 1, 15)
EMAIL, PASSWORD = "bench@portal.dk", "correct horse battery"

PLAN_READY = """() => {
  if (document.querySelector("main .state-loading")) return false;
  const charts = [...document.querySelectorAll("[data-chart]")];
  const wanted = ["curve-chart", "curve-overview", "schedule-chart"];
  const names = charts.map((el) => el.dataset.chart);
  if (!wanted.every((name) => names.includes(name))) return false;
  if (!charts.every((el) => window.ainergyChartOption && window.ainergyChartOption(el)))
    return false;
  return performance.now();
}"""

BASELINE_READY = """() => {
  const heading = document.querySelector(".status-page h1");
  return heading && !document.querySelector("main .state-loading") ? performance.now() : false;
}"""


def seed(pumps: int) -> str:
    """A tenant with a pool, a user, and a solved 96-MTU plan; returns the plan's path."""
    from django.db import transaction
    from django.test import override_settings
    from strawberry import relay

    from optimization.models import BidPlan
    from optimization.services.bidding import bid_plan_request
    from tenants.models import Membership
    from tenants.services import tenant_create, user_get_or_create
    from tests.optimization.app.bidding_world import build_pool, load_around

    tenant = tenant_create(slug="bench", name="Bench", kind="aggregator")
    user = user_get_or_create(email=EMAIL)
    # the server runs the development settings: a hash their hashers read (not the tests' MD5)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        user.set_password(PASSWORD)
    user.save()
    Membership.objects.update_or_create(tenant=tenant, user=user, defaults={"role": "owner"})
    world = build_pool(tenant, name="Bench", pumps=pumps)
    load_around(world, DAY)
    started = time.perf_counter()
    with transaction.atomic():
        plan = bid_plan_request(
            tenant=tenant, pool_id=world["pool"].pk, delivery_day=DAY, mtu_minutes=15,
            scenario_count=5, product_codes=[],
        )  # fmt: skip
    plan = BidPlan.objects.get(pk=plan.pk)
    if plan.job.status != "succeeded":
        sys.exit(f"the plan's job ended {plan.job.status}: {plan.job.error_message}")
    print(
        f"plan solved in {time.perf_counter() - started:.1f} s: {plan.period_count} MTUs, "
        f"{plan.bids.count()} bids, {len(world['heat_pumps'])} heat pumps, "
        f"{plan.periods.count()} schedule rows",
        flush=True,
    )
    return "/bid-plans/" + str(relay.GlobalID("BidPlan", str(plan.pk)))


def start_server(port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="ainergy.settings.dev", DEBUG="1")
    env.update(RATE_LIMIT_PER_IP_PER_MINUTE="100000", RATE_LIMIT_PER_CALLER_PER_MINUTE="100000")
    env.update(RATE_LIMIT_PER_TENANT_PER_MINUTE="100000")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start")


def measure(base: str, plan_path: str, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{base}/login/?next=/")
        page.fill("input[name=username]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        page.wait_for_selector("main#content h1")
        pages = {"baseline": ("/pools/x/y/z", BASELINE_READY), "bid_plan": (plan_path, PLAN_READY)}
        times: dict[str, list[float]] = {name: [] for name in pages}
        for round_ in range(repeat + 1):  # round 0 warms caches and the server
            for name, (path, ready) in pages.items():
                page.goto(base + path, wait_until="commit")
                try:
                    handle = page.wait_for_function(ready, polling="raf")
                except Exception:
                    charts = page.evaluate(
                        "() => [...document.querySelectorAll('[data-chart]')]"
                        ".map(el => el.dataset.chart)"
                    )
                    heading = page.evaluate("() => document.querySelector('h1')?.textContent")
                    sys.exit(f"{name} never got ready: h1 {heading!r}, charts {charts}")
                if round_:
                    times[name].append(float(handle.json_value()))
        mtus = page.evaluate(
            "() => window.ainergyChartOption(document.querySelector('[data-chart=curve-overview]'))"
            ".xAxis[0].data.length"
        )
        browser.close()
    return {"times_ms": times, "overview_mtus": mtus}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--pumps", type=int, default=3, help="1 to 3")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("set DATABASE_URL (PostgreSQL; it is created and dropped)")
    if not MANIFEST.exists():
        sys.exit("build the portal first: make portal")

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
    server = None
    try:
        call_command("migrate", verbosity=0)
        plan_path = seed(args.pumps)
        connection.close()
        server = start_server(args.port)
        result = measure(f"http://127.0.0.1:{args.port}", plan_path, args.repeat)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        connection.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    times = result["times_ms"]
    summary = {
        name: {
            "median_ms": round(statistics.median(values), 1),
            "min_ms": round(min(values), 1),
            "max_ms": round(max(values), 1),
        }
        for name, values in times.items()
    }
    report = {
        "machine": {"cores": os.cpu_count(), "load_1m": round(os.getloadavg()[0], 2)},
        "repeats": args.repeat,
        "pumps": args.pumps,
        "overview_mtus": result["overview_mtus"],
        "pages": summary,
        "ratio_bid_plan_to_baseline": round(
            summary["bid_plan"]["median_ms"] / summary["baseline"]["median_ms"], 2
        ),
        "raw_ms": {name: [round(v, 1) for v in values] for name, values in times.items()},
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
