"""docs/security.md maps each finding of issue 15 to the tests that reproduce it; every test it
names must exist (a renamed or deleted test makes the table lie)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TABLE = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def test_every_finding_has_tests_and_every_named_test_exists():
    text = TABLE.read_text()
    rows = [line for line in text.splitlines() if re.match(r"^\| \d+ \|", line)]
    # every one of the ten findings has a row naming at least one test
    assert [int(row.split("|")[1]) for row in rows] == list(range(1, 11))
    assert all(REFERENCE.search(row) for row in rows)
    missing = [
        f"{path}::{name}"
        for path, name in REFERENCE.findall(text)
        if not (ROOT / path).exists() or name not in _test_functions(ROOT / path)
    ]
    assert missing == []
