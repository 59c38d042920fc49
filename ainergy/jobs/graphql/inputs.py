from __future__ import annotations

import strawberry


@strawberry.input
class DiagnosticJobInput:
    steps: int = 3
    step_delay_s: float = 0.0
    fail_with: str = ""
