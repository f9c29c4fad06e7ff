"""What the conformance suite knows about the server under test: its contract, decisions and model.

Everything comes from the generated project itself (``openapi.yaml`` and ``.backend-expert.yml``) and from
the tool's own stack-neutral model (``expert.generators.relational``): nothing here depends on a stack.
"""

from __future__ import annotations

import itertools
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.conformance.http import Client, Response

#: the password every suite user registers with: long, not a common password
PASSWORD = "conformance suite passphrase 7"
_client_ips = itertools.count(1)


@dataclass
class Target:
    base_url: str
    project: Path
    contract: dict[str, Any]
    decisions: dict[str, Any]
    model: dict[str, Any]
    secret: str

    @classmethod
    def from_environment(cls) -> Target:
        project = Path(os.environ["CONFORMANCE_PROJECT"])
        contract = yaml.safe_load((project / "openapi.yaml").read_text(encoding="utf-8"))
        saved = yaml.safe_load((project / ".backend-expert.yml").read_text(encoding="utf-8"))
        return cls(
            base_url=os.environ["CONFORMANCE_BASE_URL"].rstrip("/"),
            project=project,
            contract=contract,
            decisions=saved["decisions"],
            model=test_model(saved),
            secret=os.environ.get("CONFORMANCE_SECRET", ""),
        )

    # -- the contract ---------------------------------------------------------------------------
    def operation(self, operation_id: str) -> tuple[str, str, dict[str, Any]]:
        """(method, path, operation) of an operationId of the contract."""
        for path, item in self.contract["paths"].items():
            for method, op in item.items():
                if isinstance(op, dict) and op.get("operationId") == operation_id:
                    return method.upper(), path, op
        raise KeyError(f"the contract has no operation {operation_id!r}")

    def has_operation(self, operation_id: str) -> bool:
        try:
            self.operation(operation_id)
        except KeyError:
            return False
        return True

    def path_of(self, operation_id: str) -> str:
        return self.operation(operation_id)[1]

    @property
    def scheme(self) -> str:
        """``bearer`` or ``cookie``: how the contract says a client authenticates."""
        schemes = self.contract.get("components", {}).get("securitySchemes", {})
        if any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schemes.values()):
            return "bearer"
        return "cookie"

    def cookie_scheme(self) -> tuple[str, str]:
        """(session cookie name, CSRF header name) of a cookie-session contract."""
        schemes = self.contract["components"]["securitySchemes"].values()
        cookie = next(s["name"] for s in schemes if s.get("type") == "apiKey" and s.get("in") == "cookie")
        header = next(s["name"] for s in schemes if s.get("type") == "apiKey" and s.get("in") == "header")
        return cookie, header

    def documents(self, operation_id: str, status: int) -> bool:
        return str(status) in self.operation(operation_id)[2].get("responses", {})

    # -- clients ------------------------------------------------------------------------------
    def client(self) -> Client:
        """A new user agent, seen by the server as its own client address (X-Forwarded-For from a
        trusted proxy: the server under test runs with TRUSTED_PROXIES=127.0.0.1)."""
        n = next(_client_ips)
        return Client(self.base_url, headers={"X-Forwarded-For": f"198.51.{(n // 250) % 250}.{n % 250 + 1}"})

    def user(self, email: str | None = None, password: str = PASSWORD) -> User:
        """A registered, logged-in user with a fresh client."""
        user = User(self, self.client(), email or new_email(), password)
        response = user.register()
        assert response.status < 300, (response.status, response.body[:500])
        response = user.login()
        assert response.status == 200, (response.status, response.body[:500])
        return user


@dataclass
class User:
    target: Target
    client: Client
    email: str
    password: str
    token: str | None = None
    csrf: str | None = None
    refresh_token: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def register(self) -> Response:
        method, path, _ = self.target.operation("auth_register")
        return self.client.request(method, path, json_body={"email": self.email, "password": self.password})

    def login(self, password: str | None = None) -> Response:
        method, path, _ = self.target.operation("auth_login")
        response = self.client.request(method, path, json_body={"email": self.email, "password": password or self.password})
        if response.status == 200:
            self.remember(response)
        return response

    def remember(self, response: Response) -> None:
        body = response.json()
        self.token = body.get("access_token", self.token)
        self.refresh_token = body.get("refresh_token", self.refresh_token)
        self.csrf = body.get("csrf_token", self.csrf)

    def auth_headers(self) -> dict[str, str]:
        if self.target.scheme == "bearer":
            return {"Authorization": f"Bearer {self.token}"} if self.token else {}
        _, header = self.target.cookie_scheme()
        return {header: self.csrf} if self.csrf else {}

    def call(self, method: str, path: str, **kw: Any) -> Response:
        headers = {**self.auth_headers(), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def clone(self) -> User:
        """The same credentials in another user agent (another device of the same person)."""
        other = User(self.target, self.target.client(), self.email, self.password)
        assert other.login().status == 200
        return other


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


def test_model(saved: dict[str, Any]) -> dict[str, Any]:
    """The stack-neutral model of the project's entities: urls, sample and invalid values, sorts, filters."""
    from expert.generators.relational import relational
    from expert.model import parse_entities

    entities = parse_entities(saved["entities"], ".backend-expert.yml")
    decisions = saved["decisions"]
    context = {"cookiecutter": {"entities": entities, "decisions": decisions, "database": decisions.get("database")}}
    model = relational(context)["test_model"]
    for entity in model["entities"]:
        for spec in entity["fields"]:
            spec["samples"] = [_expanded(spec, v) for v in spec["samples"]]
            spec["invalid"] = [_expanded(spec, v) for v in spec["invalid"]]
            spec["changed"] = _expanded(spec, spec["changed"])
    return model


def _expanded(spec: dict[str, Any], value: Any) -> Any:
    """The model stores a long text compactly as ``{"prefix", "length"}``: the text it stands for."""
    if spec["type"] in ("string", "text") and isinstance(value, dict):
        return value["prefix"] + "x" * (value["length"] - len(value["prefix"]))
    return value
