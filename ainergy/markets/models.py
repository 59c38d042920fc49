"""Bidding zones, market products with their rules as data, market accounts, bids, results."""

from __future__ import annotations

from django.db import models

from ainergy.common.models import TenantScopedModel


class BiddingZone(models.Model):
    """A price area (public data, no tenant)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=100)
    synchronous_area = models.CharField(max_length=40, help_text="Continental Europe or Nordic")
    timezone = models.CharField(max_length=40, default="Europe/Copenhagen")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class MarketProduct(models.Model):
    """A product and its rules, as data (public). Uncertain rules are flagged, not hard-coded."""

    class Direction(models.TextChoices):
        ENERGY = "energy", "Energy"
        SYMMETRIC = "symmetric", "Symmetric (up and down)"
        UP = "up", "Up-regulation"
        DOWN = "down", "Down-regulation"

    class Pricing(models.TextChoices):
        PAY_AS_CLEAR = "pay_as_clear", "Pay as clear (marginal)"
        PAY_AS_BID = "pay_as_bid", "Pay as bid"

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    zones = models.ManyToManyField(BiddingZone, related_name="products")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    is_capacity_product = models.BooleanField(default=True)
    mtu_minutes = models.PositiveIntegerField(help_text="Market time unit [min]")
    block_hours = models.PositiveIntegerField(default=1, help_text="Product block length [h]")
    gate_closure_local_time = models.TimeField(help_text="Europe/Copenhagen clock time")
    gate_closure_days_before = models.PositiveIntegerField(default=1)
    minimum_bid_mw = models.FloatField()
    lot_size_mw = models.FloatField()
    price_floor_eur_per_mwh = models.FloatField(null=True, blank=True)
    price_cap_eur_per_mwh = models.FloatField(null=True, blank=True)
    price_tick_eur = models.FloatField(default=0.01)
    full_activation_time_min = models.FloatField(null=True, blank=True)
    endurance_min = models.FloatField(null=True, blank=True, help_text="Energy reservoir needed")
    pricing = models.CharField(max_length=16, choices=Pricing.choices)
    uncertain_fields = models.JSONField(
        default=list, blank=True, help_text="Rules marked [U] in the domain notes: recheck"
    )
    source = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class MarketAccount(TenantScopedModel):
    """A tenant's access to markets in one zone (its BRP / BSP identities)."""

    name = models.CharField(max_length=100)
    bidding_zone = models.ForeignKey(BiddingZone, on_delete=models.PROTECT, related_name="+")
    balance_responsible_party_id = models.CharField(max_length=40, blank=True, default="")
    balancing_service_provider_id = models.CharField(max_length=40, blank=True, default="")
    enabled_products = models.ManyToManyField(MarketProduct, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="marketaccount_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Bid(TenantScopedModel):
    """What was offered: a price–quantity curve or a capacity offer for one delivery period."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CLEARED = "cleared", "Cleared"
        REJECTED = "rejected", "Rejected"

    market_account = models.ForeignKey(MarketAccount, on_delete=models.CASCADE, related_name="+")
    pool = models.ForeignKey(
        "assets.Pool", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product = models.ForeignKey(MarketProduct, on_delete=models.PROTECT, related_name="+")
    delivery_start_at = models.DateTimeField()
    delivery_end_at = models.DateTimeField()
    curve = models.JSONField(
        default=list,
        blank=True,
        help_text="[[price_eur_per_mwh, volume_mw], ...]; purchase volumes positive",
    )
    capacity_mw = models.FloatField(null=True, blank=True)
    capacity_price_eur_per_mw_h = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the bid was marked submitted to the market (UTC)"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivery_start_at", "id"]
        indexes = [
            models.Index(fields=["tenant", "delivery_start_at"], name="bid_tenant_delivery"),
        ]


class MarketResult(TenantScopedModel):
    """What was accepted for a bid, at which price, in one version of the recorded results.

    Corrections add a version; the highest version of a bid is what counts, older versions stay.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="results")
    version = models.PositiveIntegerField(
        default=1, help_text="Results version of the bid's plan (1 = first recording)"
    )
    accepted_volume_mw = models.FloatField()
    clearing_price_eur_per_mwh = models.FloatField(null=True, blank=True)
    capacity_price_eur_per_mw_h = models.FloatField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "version"], name="marketresult_unique_version")
        ]
        indexes = [models.Index(fields=["tenant", "bid"], name="marketresult_tenant_bid")]
