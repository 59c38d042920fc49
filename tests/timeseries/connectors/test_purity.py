"""Connectors are plain Python: importing them must not pull in Django or Celery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHECK = """
import json, sys
import ainergy.timeseries.connectors
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"django", "celery", "strawberry"})))
"""


def test_connectors_import_neither_django_nor_celery():
    # when the package is imported in a fresh interpreter without Django settings
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    # then
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
