"""Django's part of the portal: login, logout, the tenant chooser, error pages, and the page that
loads the React app (frontend/src). The app reads and writes only through the public GraphQL API
with the session and CSRF token; these views never query tenant data."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from frontend.texts import request_language, texts_for
from tenants.middleware import SESSION_TENANT_KEY
from tenants.selectors import user_memberships

TENANT_CHOOSER_URL = "/tenant/"


def safe_next(request, default: str = "/") -> str:
    """The ``next`` target of a login/tenant round trip, if it stays on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def page_context(request, **extra) -> dict:
    return {"texts": texts_for(request), "language": request_language(request), **extra}


@ensure_csrf_cookie
def portal(request, **_route):
    """The React app's HTML for every portal route; deep links survive login and the chooser."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if request.principal.tenant is None:
        return redirect(f"{TENANT_CHOOSER_URL}?{urlencode({'next': request.get_full_path()})}")
    return render(request, "frontend/portal.html", page_context(request))


class LoginView(auth_views.LoginView):
    template_name = "frontend/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **page_context(self.request, logged_out="logged_out" in self.request.GET),
        }


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); lands on the portal's own login page."""

    def get_success_url(self):
        return f"{settings.LOGIN_URL}?logged_out=1"


@require_http_methods(["GET", "POST"])
def choose_tenant(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    memberships = list(user_memberships(request.user))
    target = safe_next(request)
    if request.method == "POST":
        wanted = request.POST.get("tenant")
        chosen = next((m for m in memberships if m.tenant.slug == wanted), None)
        if chosen is None:
            return HttpResponseBadRequest("tenant: not one of your tenants")
        request.session[SESSION_TENANT_KEY] = chosen.tenant_id
        return redirect(target)
    texts = texts_for(request)
    choices = [
        {
            "slug": m.tenant.slug,
            "name": m.tenant.name,
            "role": texts[f"role_{m.role}"],
            "is_current": m.tenant_id == request.session.get(SESSION_TENANT_KEY),
        }
        for m in memberships
    ]
    return render(
        request, "frontend/choose_tenant.html", page_context(request, choices=choices, next=target)
    )


def error_page(request, status: int, title_key: str, text_key: str):
    texts = texts_for(request)
    return render(
        request,
        "frontend/error.html",
        page_context(request, status=status, title=texts[title_key], text=texts[text_key]),
        status=status,
    )


def not_found(request, exception=None):
    return error_page(request, 404, "not_found_title", "not_found_text")


def forbidden(request, exception=None):
    return error_page(request, 403, "forbidden_title", "forbidden_text")


def csrf_failure(request, reason=""):
    return error_page(request, 403, "forbidden_title", "csrf_text")


def server_error(request):
    return error_page(request, 500, "server_error_title", "server_error_text")
