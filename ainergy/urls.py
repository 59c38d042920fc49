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

handler400 = "ainergy.common.http_errors.bad_request"
handler403 = "ainergy.common.http_errors.permission_denied"
handler404 = "ainergy.common.http_errors.page_not_found"
handler500 = "ainergy.common.http_errors.server_error"
