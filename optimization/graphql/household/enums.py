"""Closed sets of the household API (UPPER_SNAKE_CASE, shared by inputs and outputs)."""

from __future__ import annotations

from ainergy.graphql.vocabulary import graphql_enum

TerminalEnergyModeEnum = graphql_enum(
    "TerminalEnergyMode",
    "How a storage's energy at the end of the horizon relates to its target.",
    {
        "AT_LEAST": (
            "at_least",
            "End with at least the target (a day may not borrow from tomorrow); the default.",
        ),
        "EXACTLY": ("exactly", "End with exactly the target."),
    },
)

StorageFormulationEnum = graphql_enum(
    "StorageFormulation",
    "How the schedule kept charging and discharging apart.",
    {
        "LP": (
            "LP",
            "A linear program: no period needed a binary (prices never made "
            "simultaneous charge and discharge pay).",
        ),
        "MILP": (
            "MILP",
            "Binaries forbid simultaneous charge/discharge (or import/export) in "
            "the periods where they could pay; see binaryPeriodCount.",
        ),
    },
)
