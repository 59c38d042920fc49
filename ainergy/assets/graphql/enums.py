"""Asset vocabulary: heat-pump kinds, COP models, temperature modes, heat sources."""

from __future__ import annotations

from ainergy.assets import models
from ainergy.graphql.vocabulary import choices_enum, graphql_enum

HeatPumpKindEnum = choices_enum(
    "HeatPumpKind",
    "Size class of a heat pump: it decides which planning it takes part in.",
    models.HeatPump.Kind,
    {
        "LARGE": "District-heating heat pump (MW scale), pooled for market bidding.",
        "HOUSEHOLD": "Household heat pump (kW scale), sized and scheduled with the home's assets.",
    },
)

CopModelEnum = choices_enum(
    "CopModel",
    "How a heat pump's coefficient of performance (COP) follows its temperatures.",
    models.HeatPump.CopModel,
    {
        "CARNOT": "COP = carnotQualityGrade × T_sink / (T_sink − T_source) [K], capped at copMax.",
        "TABLE": "COP interpolated in copTable points (source °C, sink °C, COP).",
    },
)

TemperatureModeEnum = choices_enum(
    "TemperatureMode",
    "Where a heat pump's source or sink temperature comes from.",
    models.HeatPump.TemperatureSource,
    {
        "FIXED": "A constant temperature [°C] given on the heat pump.",
        "SERIES": "A temperature series [°C] referenced by id.",
    },
)

HeatSourceKindEnum = graphql_enum(
    "HeatSourceKind",
    "The heat source a heat pump lifts heat from.",
    {
        "OUTDOOR_AIR": ("outdoor_air", "Ambient outdoor air."),
        "EXHAUST_AIR": ("exhaust_air", "Ventilation exhaust air."),
        "GROUND": ("ground", "Ground or borehole collector."),
        "SEAWATER": ("seawater", "Seawater."),
        "LAKE_WATER": ("lake_water", "Lake or river water."),
        "WASTEWATER": ("wastewater", "Treated wastewater."),
        "FLUE_GAS": ("flue_gas", "Flue-gas condensation of a boiler or CHP plant."),
        "EXCESS_HEAT": ("excess_heat", "Industrial or data-centre excess heat."),
    },
)

TechnologyEnum = choices_enum(
    "Technology",
    "A kind of household equipment in the technology catalogue.",
    models.TechnologyCatalogueEntry.Technology,
    {
        "HEAT_PUMP": "Household heat pump option (air-to-water, ground source, ...).",
        "PV": "Rooftop photovoltaic system option.",
        "BATTERY": "Home battery option.",
        "EV_CHARGER": "Home EV charger option.",
    },
)
