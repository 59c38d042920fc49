"""Login throttling for the portal's login page: 429 and ``Retry-After`` while locked.

``throttled_login(LoginView)`` wraps whatever login view the portal uses; the lockout itself is
enforced in the authentication backend (``tenants.auth``) for every login path.
"""

from __future__ import annotations

import math

from django.template.response import TemplateResponse

from ainergy.common.middleware import client_ip
from tenants.auth import login_lockout_s


class LoginThrottleMixin:
    """Answers 429 while the account or the address is locked (also for the right password)."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username")
        locked_s = login_lockout_s(username=username, ip=client_ip(request))
        if not locked_s:
            response = super().post(request, *args, **kwargs)
            locked_s = login_lockout_s(username=username, ip=client_ip(request))
            if not locked_s or response.status_code == 302:
                return response
        form = self.get_form()
        form.errors.clear()
        form.add_error(
            None,
            f"Too many failed log-ins. Try again in {math.ceil(locked_s / 60)} minutes.",
        )
        response = TemplateResponse(
            request, self.template_name, self.get_context_data(form=form), status=429
        )
        response["Retry-After"] = str(locked_s)
        return response


def throttled_login(view_class: type) -> type:
    """``view_class`` with login throttling in front of its POST."""
    return type(view_class.__name__, (LoginThrottleMixin, view_class), {})
