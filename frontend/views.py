"""The web portal (server-rendered): login, tenant choice, dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ainergy.jobs.selectors import job_list
from tenants.middleware import SESSION_TENANT_KEY
from tenants.selectors import user_memberships


@login_required
def dashboard(request):
    principal = request.principal
    if principal.tenant is None:
        return redirect("frontend:choose_tenant")
    return render(
        request,
        "frontend/dashboard.html",
        {
            "tenant": principal.tenant,
            "membership": principal.membership,
            "jobs": job_list(principal.tenant)[:20],
            "memberships": user_memberships(request.user),
        },
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
