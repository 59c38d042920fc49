"""The portal's login page with login throttling: 429 and ``Retry-After`` while locked."""

from __future__ import annotations

import math

from django.contrib.auth import views as auth_views
from django.template.response import TemplateResponse

from ainergy.common.middleware import client_ip
from tenants.auth import login_lockout_s


class LoginView(auth_views.LoginView):
    template_name = "frontend/login.html"

    def post(self, request, *args, **kwargs):
        locked_s = login_lockout_s(username=request.POST.get("username"), ip=client_ip(request))
        if not locked_s:
            response = super().post(request, *args, **kwargs)
            locked_s = login_lockout_s(username=request.POST.get("username"), ip=client_ip(request))
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
