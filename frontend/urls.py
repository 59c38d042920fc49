from django.urls import path, re_path

from frontend import views
from tenants.views import throttled_login

app_name = "frontend"

# Top-level paths of the React app (frontend/src/app/routes.tsx); anything else is Django's 404.
PORTAL_SECTIONS = (
    "pools",
    "bid-plans",
    "dispatches",
    "forecasts",
    "prices",
    "sites",
    "schedules",
    "sizing",
    "jobs",
    "settings",
    "explorer",
)

urlpatterns = [
    path("", views.portal, name="portal"),
    path("login/", throttled_login(views.LoginView).as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tenant/", views.choose_tenant, name="choose_tenant"),
    re_path(
        rf"^(?P<section>{'|'.join(PORTAL_SECTIONS)})(?:/.*)?$",
        views.portal,
        name="portal_section",
    ),
]
