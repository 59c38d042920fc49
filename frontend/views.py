"""The web portal (server-rendered): login, tenant choice, dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ainergy.assets.models import HeatPump, Pool
from ainergy.jobs.selectors import job_list
from optimization.models import HouseholdSchedule
from tenants.middleware import SESSION_TENANT_KEY
from tenants.selectors import user_memberships


@login_required
def dashboard(request):
    principal = request.principal
    if principal.tenant is None:
        return redirect("frontend:choose_tenant")
    tenant = principal.tenant
    now = timezone.now()
    current = (
        Q(memberships__valid_from_at__isnull=True) | Q(memberships__valid_from_at__lte=now)
    ) & (Q(memberships__valid_to_at__isnull=True) | Q(memberships__valid_to_at__gt=now))
    pools = (
        Pool.objects.for_tenant(tenant)
        .select_related("bidding_zone", "market_account")
        .annotate(
            heat_pump_count=Count("memberships", filter=current),
            power_max_kw=Sum("memberships__heat_pump__power_max_kw", filter=current),
        )
    )
    return render(
        request,
        "frontend/dashboard.html",
        {
            "tenant": tenant,
            "membership": principal.membership,
            "pools": pools,
            "heat_pumps": HeatPump.objects.for_tenant(tenant).select_related("site")[:50],
            "schedules": HouseholdSchedule.objects.for_tenant(tenant).select_related("site", "job")[
                :10
            ],
            "jobs": job_list(tenant)[:20],
        },
    )


@login_required
def household_schedule(request, schedule_id: int):
    tenant = request.principal.tenant
    schedule = (
        HouseholdSchedule.objects.for_tenant(tenant)
        .select_related("site")
        .filter(pk=schedule_id)
        .first()
        if tenant is not None
        else None
    )
    if schedule is None:
        raise Http404("Schedule not found.")
    periods = list(schedule.periods.order_by("start_at"))
    peak = max((p.grid_import_kw for p in periods), default=0.0) or 1.0
    return render(
        request,
        "frontend/household_schedule.html",
        {"tenant": tenant, "schedule": schedule, "periods": periods, "peak_import_kw": peak},
    )


@login_required
@require_http_methods(["GET", "POST"])
def choose_tenant(request):
    memberships = list(user_memberships(request.user))
    if request.method == "POST":
        wanted = request.POST.get("tenant")
        chosen = next((m for m in memberships if m.tenant.slug == wanted), None)
        if chosen is None:
            return HttpResponseBadRequest("tenant: not one of your tenants")
        request.session[SESSION_TENANT_KEY] = chosen.tenant_id
        return redirect("frontend:dashboard")
    return render(request, "frontend/choose_tenant.html", {"memberships": memberships})


@login_required
def bid_plan_curves(request, bid_plan_id: int):
    """The bid plan's day-ahead curves as a Nord Pool-style CSV, for the portal user's tenant."""
    from django.http import HttpResponse

    from ainergy.common.errors import NotFoundError
    from optimization.selectors.bidding import bid_plan_bids, bid_plan_get
    from optimization.services.bidding import bid_plan_export

    tenant = request.principal.tenant
    try:
        if tenant is None:
            raise NotFoundError("Bid plan not found.")
        plan = bid_plan_get(tenant, bid_plan_id)
    except NotFoundError:
        raise Http404("Bid plan not found.") from None
    response = HttpResponse(
        bid_plan_export(plan, bid_plan_bids(plan), "csv"), content_type="text/csv"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="bid-plan-{plan.pk}-{plan.delivery_day}.csv"'
    )
    return response
