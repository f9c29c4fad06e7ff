"""Forged credentials for the auth-failure tests: HS256 JWTs signed with the server's own secret.

Written by hand (a few lines of the standard library) because the suite must also build tokens that a
JWT library refuses to make: ``alg: none``, another algorithm under the same key, a broken signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims_of(token: str) -> dict[str, Any]:
    return json.loads(_unb64(token.split(".")[1]))


def header_of(token: str) -> dict[str, Any]:
    return json.loads(_unb64(token.split(".")[0]))


def sign(header: dict[str, Any], claims: dict[str, Any], secret: str) -> str:
    alg = header.get("alg", "HS256")
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if alg == "none":
        return signing_input + "."
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signature = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{_b64(signature)}"


def tampered(token: str) -> str:
    """The same token with one claim changed and the original signature kept."""
    head, _, signature = token.split(".")
    claims = claims_of(token)
    claims["sub"] = str(claims.get("sub", "")) + "0"
    return f"{head}.{_b64(json.dumps(claims).encode())}.{signature}"
