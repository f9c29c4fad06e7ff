"""backend-expert: a rule-based backend architect in the terminal."""

# Only `os` here: the console entry point (expert.entry) installs its quiet signal handlers after this package
# is imported, so what this module imports is the window in which Ctrl-C would still print a traceback.
import os as _os

__version__ = "0.1.0"

# In a source checkout the generator modules live in ../generators (the design card's top level) and are
# imported as expert.generators; a wheel installs them there (see expert/paths.py).
_HERE = _os.path.dirname(_os.path.abspath(__file__))
_CHECKOUT = _os.path.dirname(_os.path.dirname(_os.path.realpath(__file__)))
if not _os.path.isdir(_os.path.join(_HERE, "generators")) and _os.path.isfile(_os.path.join(_CHECKOUT, "generators", "__init__.py")):
    __path__.append(_CHECKOUT)  # noqa: F821 - a package's __path__
