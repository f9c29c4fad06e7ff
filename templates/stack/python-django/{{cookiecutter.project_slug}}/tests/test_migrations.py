"""The committed migrations and app/models.py describe the same schema."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_do_not_drift() -> None:
    # exits (SystemExit) when makemigrations would write a migration
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
