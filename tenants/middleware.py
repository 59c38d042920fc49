"""Resolve the caller and its tenant once per request into ``request.principal``."""

from __future__ import annotations

from django.http import JsonResponse

from ainergy.common.errors import AuthenticationError
from tenants.principal import Principal
from tenants.selectors import user_memberships
from tenants.services import api_token_authenticate

SESSION_TENANT_KEY = "ainergy_tenant_id"


def unauthenticated_response(message: str) -> JsonResponse:
    response = JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": AuthenticationError.code}}]},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="ainergy", error="invalid_token"'
    return response


def principal_from_authorization(header: str, client_ip: str | None = None) -> Principal:
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip() or " " in secret.strip():
        raise AuthenticationError(
            "Invalid Authorization header: expected 'Authorization: Bearer <token>'."
        )
    return Principal.for_token(api_token_authenticate(secret.strip(), client_ip=client_ip))


def principal_from_session(request) -> Principal:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Principal.anonymous()
    memberships = list(user_memberships(user))
    for membership in memberships:
        membership.user = user  # already loaded by the auth middleware
    chosen_id = request.session.get(SESSION_TENANT_KEY)
    for membership in memberships:
        if membership.tenant_id == chosen_id:
            return Principal.for_membership(membership)
    if len(memberships) == 1:
        return Principal.for_membership(memberships[0])
    return Principal.for_user_without_tenant(user)


class TenantMiddleware:
    """Bearer token first (API clients, devices), else the portal session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        request.is_token_request = header is not None
        if header is not None:
            try:
                request.principal = principal_from_authorization(
                    header, getattr(request, "client_ip", None)
                )
            except AuthenticationError as error:
                return unauthenticated_response(error.message)
        else:
            request.principal = principal_from_session(request)
        return self.get_response(request)
