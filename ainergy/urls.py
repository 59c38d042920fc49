from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from ainergy.graphql.views import graphql_view


def healthz(_request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("graphql", graphql_view(), name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("ainergy.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("frontend.urls")),
]

handler404 = "frontend.views.not_found"
handler403 = "frontend.views.forbidden"
handler500 = "frontend.views.server_error"
