"""``python -m optimization {bid,backtest,size,schedule} CASE.json`` — runs the pure cores."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {
        "bid": "optimization.core.bidding.cli",
        "backtest": "optimization.core.bidding.cli",
        "size": "optimization.core.household.cli",
        "schedule": "optimization.core.household.cli",
    }
    if not argv or argv[0] not in commands:
        print(f"usage: python -m optimization {{{','.join(commands)}}} CASE.json", file=sys.stderr)
        return 2
    import importlib

    module = importlib.import_module(commands[argv[0]])
    return int(module.main(argv) or 0)


if __name__ == "__main__":
    sys.exit(main())
