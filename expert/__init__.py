"""backend-expert: a rule-based backend architect in the terminal."""

from pathlib import Path as _Path

__version__ = "0.1.0"

# In a source checkout the generator modules live in ../generators (the design card's top level) and are
# imported as expert.generators; a wheel installs them there (see expert/paths.py).
_CHECKOUT = _Path(__file__).resolve().parent.parent
if not (_Path(__file__).parent / "generators").is_dir() and (_CHECKOUT / "generators" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))  # noqa: F821 - a package's __path__
