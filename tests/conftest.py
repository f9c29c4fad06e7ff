"""Shared fixtures: a small knowledge base of our own for engine-level tests, and the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from expert.consult import Consultant
from expert.knowledge import KnowledgeBase, load_knowledge

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="session")
def small_kb() -> KnowledgeBase:
    return load_knowledge(rules_dir=FIXTURE_KB)


@pytest.fixture(scope="session")
def small_consultant(small_kb: KnowledgeBase) -> Consultant:
    return Consultant(small_kb)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def consultant(kb: KnowledgeBase) -> Consultant:
    return Consultant(kb)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end tests first, in their order: on two workers (scripts/test.sh) a test of many minutes
    collected last would run alone at the end while the other worker idles; first, the fast tests fill the gaps."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)
