"""The production web process as docs/deployment.md runs it: gunicorn with uvicorn (ASGI)
workers, production settings, static files collected, behind a TLS proxy that sets
X-Forwarded-Proto."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import requests
from django.conf import settings

from tests.deployment.conftest import production_env, requires_services

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

HTTPS = {"X-Forwarded-Proto": "https"}  # what the proxy adds after terminating TLS
QUERY = "query { tenant { slug name } me { apiTokenName } }"


@pytest.fixture
def web(start_service, tmp_path):
    requires_services()
    static_root = tmp_path / "static"
    env = production_env(BIND="127.0.0.1:0", WEB_CONCURRENCY="2", STATIC_ROOT=str(static_root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
    )
    server = start_service(
        "web", [sys.executable, "-m", "gunicorn", "-c", "ainergy/gunicorn_conf.py"], env
    )
    port = server.wait_for_log(r"Listening at: http://127\.0\.0\.1:(\d+)").group(1)
    server.wait_for_log(r"Started server process(.|\n)*Started server process")  # both workers
    return f"http://127.0.0.1:{port}", static_root, server


def test_production_server_answers_a_graphql_query_over_https_only(web, tenant):
    from tenants.services import api_token_create

    base, _, server = web
    _, secret = api_token_create(tenant=tenant, name="ops", scopes=["read"])
    auth = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    body = json.dumps({"query": QUERY})
    # when the proxy forwards an HTTPS request
    response = requests.post(f"{base}/graphql", data=body, headers={**auth, **HTTPS}, timeout=30)
    # then the API answers for the token's tenant, with HSTS and without debug output
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {
        "tenant": {"slug": "alpha", "name": "Alpha"},
        "me": {"apiTokenName": "ops"},
    }
    assert "errors" not in response.json()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "server" not in {key.lower() for key in response.headers}
    # a plain-HTTP request is redirected to HTTPS, the health check is not
    plain = requests.post(f"{base}/graphql", data=body, headers=auth, timeout=30,
                          allow_redirects=False)  # fmt: skip
    assert (plain.status_code, plain.headers["Location"]) == (301, f"https://{base[7:]}/graphql")
    assert requests.get(f"{base}/healthz", timeout=30).json() == {"status": "ok"}
    # GraphiQL is a debug tool: not served in production
    page = requests.get(f"{base}/graphql", headers={**HTTPS, "Accept": "text/html"}, timeout=30)
    assert "graphiql" not in page.text.lower()
    assert "Traceback" not in server.log.read_text()


def test_static_files_are_served_by_whitenoise_from_the_collected_manifest(web):
    base, static_root, _ = web
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["admin/css/base.css"]
    # when
    response = requests.get(f"{base}/static/{hashed}", headers=HTTPS, timeout=30)
    compressed = requests.get(
        f"{base}/static/{hashed}", headers={**HTTPS, "Accept-Encoding": "gzip"}, timeout=30
    )
    # then the hashed file is served for a year, and compressed when asked
    assert response.status_code == 200
    assert response.content == (static_root / hashed).read_bytes()
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert compressed.headers.get("Content-Encoding") == "gzip"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"REDIS_URL": ""}, "REDIS_URL must be set in production"),
        ({"DEBUG": "1"}, "DEBUG must be off in production"),
        ({"FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS must be set in production"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "FIELD_ENCRYPTION_KEYS must be comma-separated"),
        ({"AINERGY_ALLOW_ROOT": ""}, "refusing to run as root"),
    ],
)
def test_production_settings_refuse_an_unsafe_environment(change, message):
    requires_services()
    if "AINERGY_ALLOW_ROOT" in change and os.geteuid() != 0:
        pytest.skip("the root guard can only be seen as root")
    env = {key: value for key, value in production_env(**change).items() if value}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr
