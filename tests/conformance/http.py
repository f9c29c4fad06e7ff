"""A small HTTP client for black-box tests: raw bodies, chunked uploads, every header visible.

The standard library's http.client is used on purpose: the suite must be able to send what a
well-behaved client library refuses to (malformed JSON, oversized or chunked bodies, forged tokens).

Every client error it receives (4xx) must be the contract's error format, RFC 9457 problem details
(``problem_violations``): a request of any test that gets another kind of error body fails that test.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

PROBLEM_JSON = "application/problem+json"
PROBLEM_MEMBERS = {"type": str, "title": str, "status": int, "detail": str}


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()


@dataclass
class Client:
    """One user agent: a base URL, default headers and a cookie jar (name -> value)."""

    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30.0

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        chunked: bool = False,
    ) -> Response:
        parts = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=self.timeout)
        send_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            send_headers.setdefault("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if json_body is not None:
            body = json.dumps(json_body).encode()
            send_headers.setdefault("Content-Type", "application/json")
        url = parts.path.rstrip("/") + path
        if params:
            url += "?" + urlencode(params, doseq=True)
        try:
            if chunked:
                conn.putrequest(method, url)
                for name, value in send_headers.items():
                    conn.putheader(name, value)
                conn.putheader("Transfer-Encoding", "chunked")
                conn.endheaders()
                for start in range(0, len(body or b""), 65536):
                    piece = (body or b"")[start : start + 65536]
                    try:
                        conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        break  # the server may answer 413 and close before the whole body is sent
                else:
                    conn.send(b"0\r\n\r\n")
            else:
                conn.request(method, url, body=body, headers=send_headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            conn.close()
        if 400 <= response.status < 500:
            violations = problem_violations(response)
            assert not violations, f"{method} {path} -> {response.status}: {'; '.join(violations)}; body {response.body[:300]!r}"
        self._store_cookies(response)
        return response

    def _store_cookies(self, response: Response) -> None:
        for item in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = item.partition(";")
            name, _, value = pair.strip().partition("=")
            expired = "max-age=0" in attributes.lower().replace(" ", "") or value in ("", '""')
            if expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Response:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)


def problem_violations(response: Response) -> list[str]:
    """How an error response differs from the contract's problem details (none: it conforms):
    Content-Type application/problem+json; type, title, status (the HTTP status) and detail; for a
    422 a non-empty ``errors`` list whose items locate the problem by ``pointer`` (``#/...``, into
    the body) or ``parameter`` and say what is wrong in ``detail``."""
    if response.content_type != PROBLEM_JSON:
        return [f"Content-Type {response.content_type!r}, not {PROBLEM_JSON}"]
    try:
        body = response.json()
    except ValueError:
        return ["the body is not JSON"]
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    found = [f"{name} is not a {kind.__name__}" for name, kind in PROBLEM_MEMBERS.items() if not isinstance(body.get(name), kind)]
    if body.get("status") != response.status:
        found.append(f"status {body.get('status')!r} differs from the HTTP status")
    if response.status == 422:
        found += _field_error_violations(body.get("errors"))
    return found


def _field_error_violations(errors: Any) -> list[str]:
    if not isinstance(errors, list) or not errors:
        return ["a 422 without a list of errors"]
    found = []
    for item in errors:
        located = isinstance(item, dict) and (
            (isinstance(item.get("pointer"), str) and item["pointer"].startswith("#")) or isinstance(item.get("parameter"), str)
        )
        if not located or not isinstance(item.get("detail"), str):
            found.append(f"error {item!r} has no pointer (#/...) or parameter, or no detail")
    return found
