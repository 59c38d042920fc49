from django.contrib.auth import views as auth_views
from django.urls import path

from frontend import views
from tenants.views import LoginView

app_name = "frontend"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", LoginView.as_view(), name="login"),  # throttled: tenants.auth
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tenant/", views.choose_tenant, name="choose_tenant"),
    path("schedules/<int:schedule_id>/", views.household_schedule, name="household_schedule"),
    path("bid-plans/<int:bid_plan_id>/curves.csv", views.bid_plan_curves, name="bid_plan_curves"),
]
