"""Where the knowledge base, the template layers and the generator modules live.

In a source checkout they sit at the top level, beside ``expert/`` (the design card's layout: ``rules/``,
``generators/``, ``templates/``). A wheel installs them inside the package (``expert/rules``, ...:
``[tool.hatch.build.targets.wheel.sources]`` in pyproject.toml), so that it installs no top-level name that
other distributions use (``rules`` and ``generators`` are taken on PyPI).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: the package itself when installed from a wheel, else the checkout that holds it
DATA_ROOT = PACKAGE_DIR if (PACKAGE_DIR / "templates").is_dir() else PACKAGE_DIR.parent
RULES_DIR = DATA_ROOT / "rules"
TEMPLATES_DIR = DATA_ROOT / "templates"
