"""The ``diagnostic`` job: proves the queue → worker → database path end to end.

Partners and operators run it to check that workers are alive; the test suite uses it for the
job lifecycle against a real worker. Parameters are validated before enqueueing.
"""

from __future__ import annotations

import time

from ainergy.common.errors import ApplicationError, TransientError, ValidationError

MAX_STEPS = 20
MAX_STEP_DELAY_S = 5.0
FAILURE_MODES = ("", "error", "transient")


def diagnostic_parameters(
    *, steps: int = 3, step_delay_s: float = 0.0, fail_with: str = "", transient_failures: int = 0
) -> dict:
    if not 1 <= steps <= MAX_STEPS:
        raise ValidationError("steps", f"must be between 1 and {MAX_STEPS}")
    if not 0.0 <= step_delay_s <= MAX_STEP_DELAY_S:
        raise ValidationError("step_delay_s", f"must be between 0 and {MAX_STEP_DELAY_S}")
    if fail_with not in FAILURE_MODES:
        raise ValidationError("fail_with", "must be '', 'error' or 'transient'")
    if not 0 <= transient_failures <= 3:
        raise ValidationError("transient_failures", "must be between 0 and 3")
    return {
        "steps": steps,
        "step_delay_s": step_delay_s,
        "fail_with": fail_with,
        "transient_failures": transient_failures,
    }


def diagnostic_run(context) -> dict:
    """Walk ``steps`` steps reporting progress; fail as asked (for lifecycle checks)."""
    parameters = diagnostic_parameters(**context.job.parameters)
    steps = parameters["steps"]
    if (
        parameters["fail_with"] == "transient"
        and context.job.attempts <= parameters["transient_failures"]
    ):
        raise TransientError(f"simulated transient failure on attempt {context.job.attempts}")
    for step in range(1, steps + 1):
        time.sleep(parameters["step_delay_s"])
        context.report_progress(step / steps, f"step {step} of {steps}")
        if parameters["fail_with"] == "error" and step == steps:
            raise ApplicationError("Diagnostic failure requested.", {"step": step})
    return {"steps": steps, "attempts": context.job.attempts}
