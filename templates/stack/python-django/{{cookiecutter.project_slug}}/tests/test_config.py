"""Settings are checked at start: a placeholder or short SECRET_KEY stops the app."""

from __future__ import annotations

import pytest

from config import environment


@pytest.mark.parametrize("value", ["change-me-to-a-long-random-string", "short", ""])
def test_weak_secret_keys_are_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SECRET_KEY", value)
    with pytest.raises(environment.ConfigurationError):
        environment.secret_key()


def test_bad_numbers_and_networks_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGIN_LOCKOUT_FAILURES", "many")
    with pytest.raises(environment.ConfigurationError):
        environment.integer("LOGIN_LOCKOUT_FAILURES", 5, 1, 1000)
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, not-an-ip")
    with pytest.raises(environment.ConfigurationError):
        environment.networks("TRUSTED_PROXIES")
