"""The routes are the contract's (openapi.yaml): the same paths and methods, and it is served."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.urls import URLPattern, get_resolver
from rest_framework.test import APIClient

CONTRACT = Path(__file__).resolve().parent.parent / "openapi.yaml"
METHODS = {"get", "post", "patch", "put", "delete"}
# routes outside the contract: the probes' siblings and the operator's pages
NOT_IN_CONTRACT = {"/metrics", "/openapi.yaml", "/admin/"}


def served_routes() -> dict[str, set[str]]:
    """Each route of config/urls.py (`{id}` for a path parameter) and the methods of its view."""
    routes = {}
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLPattern):
            continue
        path = "/" + re.sub(r"<[a-z]+:[a-z_]+>", "{id}", str(pattern.pattern))
        view = getattr(pattern.callback, "view_class", None)
        names = set(getattr(view, "http_method_names", [])) & METHODS if view else {"get"}
        routes[path] = {name for name in names if view is None or hasattr(view, name)}
    return routes


def test_every_operation_is_served_and_nothing_else() -> None:
    contract = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    documented = {
        re.sub(r"\{[^}]+\}", "{id}", path): {m for m in item if m in METHODS}
        for path, item in contract["paths"].items()
    }
    served = {p: m for p, m in served_routes().items() if p not in NOT_IN_CONTRACT}
    assert served == documented


@pytest.mark.django_db
def test_the_contract_is_served() -> None:
    response = APIClient().get("/openapi.yaml")
    assert b"".join(response.streaming_content) == CONTRACT.read_bytes()
