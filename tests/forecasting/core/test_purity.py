import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_forecasting_core_imports_neither_django_nor_celery():
    # given a fresh interpreter without Django settings
    code = (
        "import sys, forecasting.core.api, forecasting.core.backtest, forecasting.core.models, "
        "forecasting.core.scenarios, forecasting.core.heat_model, forecasting.__main__\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'celery'))\n"
        "print(','.join(bad))"
    )
    # when
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    # then
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""
