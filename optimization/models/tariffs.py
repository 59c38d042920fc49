"""Danish grid charges as dated public data (no tenant): grid companies and price-list entries.

Every entry is one ``DatahubPricelist`` record of Energi Data Service: 24 prices for the local
clock hours of one charge (grid company GLN + charge type + charge type code), valid from
``valid_from_at`` to ``valid_to_at``. The platform ships the values found in citable sources
(``optimization/data/dk_grid_tariffs.json``, each with its ``source``); ``sync_grid_tariffs``
replaces them with the live price list when Energi Data Service is reachable.
"""

from __future__ import annotations

from django.db import models

ENERGINET_GLN = "5790000432752"


class GridCompany(models.Model):
    """A grid company (DSO) and the price-list codes of its household (C) tariff.

    ``charge_type_codes`` must cover every day billed; ``supplement_charge_type_codes`` (e.g.
    a rebate) add where they have an entry. ``notes`` keeps only entries with one of these
    ``Note`` values (some companies publish several C products under one code).
    """

    code = models.SlugField(max_length=40, unique=True, help_text="Short name, e.g. 'n1'")
    name = models.CharField(max_length=120)
    gln_number = models.CharField(max_length=13, unique=True, help_text="Global Location Number")
    price_area = models.CharField(max_length=3, help_text="DK1 or DK2")
    charge_type_codes = models.JSONField(default=list, blank=True)
    supplement_charge_type_codes = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    source = models.TextField(blank=True, default="", help_text="Where GLN and codes come from")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "grid companies"

    def __str__(self) -> str:
        return self.name


class GridTariffPrice(models.Model):
    """One price-list entry: a charge's 24 local-hour prices [DKK/kWh excl. VAT] over a period."""

    gln_number = models.CharField(max_length=13)
    charge_type = models.CharField(max_length=3, help_text="D01 subscription, D02 fee, D03 tariff")
    charge_type_code = models.CharField(max_length=20)
    charge_owner = models.CharField(max_length=120, blank=True, default="")
    note = models.CharField(max_length=120, blank=True, default="")
    description = models.CharField(max_length=200, blank=True, default="")
    valid_from_at = models.DateTimeField(help_text="UTC instant of the local ValidFrom")
    valid_to_at = models.DateTimeField(null=True, blank=True, help_text="null = open-ended")
    hourly_prices_dkk_per_kwh = models.JSONField(
        help_text="24 prices, local clock hours 00–01 … 23–24 [DKK/kWh excl. VAT]"
    )
    source = models.TextField(help_text="Where the values come from")
    is_verified = models.BooleanField(
        default=True, help_text="False when the value could not be checked against its source"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["gln_number", "charge_type", "charge_type_code", "valid_from_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["gln_number", "charge_type", "charge_type_code", "valid_from_at"],
                name="gridtariffprice_unique_entry",
            )
        ]
        indexes = [
            models.Index(
                fields=["gln_number", "charge_type", "charge_type_code"],
                name="gridtariffprice_charge",
            )
        ]
