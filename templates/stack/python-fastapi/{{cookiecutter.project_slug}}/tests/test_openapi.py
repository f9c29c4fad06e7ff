"""openapi.yaml is the contract: it must equal the document the running app serves."""

from pathlib import Path

import yaml
from openapi_spec_validator import validate

from app.main import app

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "openapi.yaml"


def test_openapi_file_matches_the_app() -> None:
    with OPENAPI_FILE.open(encoding="utf-8") as handle:
        assert app.openapi() == yaml.safe_load(handle)


def test_openapi_file_is_valid() -> None:
    with OPENAPI_FILE.open(encoding="utf-8") as handle:
        validate(yaml.safe_load(handle))
