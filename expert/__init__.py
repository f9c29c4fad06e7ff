"""backend-expert: a rule-based backend architect in the terminal."""

__version__ = "0.1.0"
