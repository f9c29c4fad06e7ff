"""The routes: the API of openapi.yaml under /api/v1, the probes, /metrics, the contract itself and
the admin (staff accounts only). No interactive docs are served."""

from __future__ import annotations

from django.contrib import admin
from django.http import FileResponse, HttpRequest
from django.urls import path

from app import metrics
from app.views import auth, health, resources
from config.settings import BASE_DIR

handler400 = "app.problems.bad_request"
handler403 = "app.problems.forbidden"
handler404 = "app.problems.not_found"
handler500 = "app.problems.server_error"


def contract(request: HttpRequest) -> FileResponse:
    """The OpenAPI document this API implements (tests/test_openapi.py keeps them in step)."""
    document = (BASE_DIR / "openapi.yaml").open("rb")
    return FileResponse(document, content_type="application/yaml")
{% set m = cookiecutter | relational %}

urlpatterns = [
    path("health/live", health.Live.as_view()),
    path("health/ready", health.Ready.as_view()),
    path("metrics", metrics.metrics),
    path("openapi.yaml", contract),
    path("admin/", admin.site.urls),
    path("api/v1/auth/register", auth.Register.as_view()),
    path("api/v1/auth/login", auth.Login.as_view()),
{%- if cookiecutter.auth == "jwt" %}
    path("api/v1/auth/refresh", auth.Refresh.as_view()),
{%- endif %}
    path("api/v1/auth/logout", auth.Logout.as_view()),
    path("api/v1/auth/password", auth.ChangePassword.as_view()),
    path("api/v1/users/me", auth.Me.as_view()),
{%- for e in m.entities %}
    path("api/v1/{{ e.plural }}", resources.{{ e.name }}Collection.as_view()),
    path("api/v1/{{ e.plural }}/<str:{{ e.var }}_id>", resources.{{ e.name }}Item.as_view()),
{%- endfor %}
]
