"""Python source text for values the user chose (defaults), written the way ``ruff format`` leaves it.

The generated projects run ``ruff check`` (line length 100) and ``ruff format --check``. Names are
bounded by the model (``expert.model.MAX_NAME_LENGTH``) and the templates wrap the lines that hold them;
string values are unbounded, so they are written here: quotes as ruff prefers them (double, unless the
text holds more double than single quotes), control and format characters escaped, and a value too
wide for its line split into an implicit concatenation that ruff keeps as it is.
"""

from __future__ import annotations

import re
import unicodedata

LINE_LENGTH = 100


def width(text: str) -> int:
    """Display width as ruff measures lines: wide East Asian characters count 2, combining marks 0."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _escape(ch: str, quote: str) -> str:
    if ch == "\\":
        return "\\\\"
    if ch == quote:
        return "\\" + quote
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if unicodedata.category(ch).startswith("C"):  # controls, bidi and other format characters
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return ch


def string(value: str) -> str:
    """A Python string literal of ``value`` in ruff's preferred quotes."""
    quote = "'" if value.count('"') > value.count("'") else '"'
    return quote + "".join(_escape(ch, quote) for ch in value) + quote


def literal(value: object) -> str:
    """A Python literal of a default: str, bool, int (decimals travel as their text)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    return string(str(value))


def keyword_value(indent: int, keyword: str, value: object, trailer: str = ",") -> str:
    """``keyword=<literal><trailer>`` at ``indent``: one line when it fits, else the literal split in
    parentheses, one piece per line (each piece cut after a space where one is near)."""
    flat = f"{' ' * indent}{keyword}={literal(value)}{trailer}"
    if width(flat) <= LINE_LENGTH or not isinstance(value, str):
        return flat
    inner = " " * (indent + 4)
    lines = [f"{' ' * indent}{keyword}=("]
    lines += [inner + string(piece) for piece in _pieces(value, LINE_LENGTH - len(inner))]
    lines.append(f"{' ' * indent}){trailer}")
    return "\n".join(lines)


def assignment(name: str, value: str) -> str:
    """``NAME = <literal>`` at module level: one line when it fits, else the literal split in parentheses."""
    flat = f"{name} = {string(value)}"
    if width(flat) <= LINE_LENGTH:
        return flat
    return "\n".join([f"{name} = (", *("    " + string(piece) for piece in _pieces(value, LINE_LENGTH - 4)), ")"])


def _cost(ch: str) -> int:
    """Columns ``ch`` takes in a literal, counting a quote as escaped (the quotes are chosen later)."""
    return 2 if ch in "\"'" else width(_escape(ch, ""))


def _pieces(value: str, room: int) -> list[str]:
    """Consecutive slices of ``value`` whose literals each fit in ``room`` columns (two for the quotes),
    cut after a space when one is in the second half of the slice."""
    pieces: list[str] = []
    start, used = 0, 2
    for i, ch in enumerate(value):
        cost = _cost(ch)
        if used + cost > room and i > start:
            space = value.rfind(" ", start, i)
            cut = space + 1 if space >= start + (i - start) // 2 else i
            pieces.append(value[start:cut])
            start, used = cut, 2 + sum(_cost(c) for c in value[cut:i])
        used += cost
    pieces.append(value[start:])
    return [piece for piece in pieces if piece]


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order (``Entity2`` before ``Entity10``), as ruff's isort compares names."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"[0-9]+|[^0-9]+", text))


def import_order(names: list[str]) -> list[str]:
    """Names imported from one module in the order ruff's isort writes them (``order-by-type``:
    CONSTANTS, then Classes, then the rest; each in natural order, case-insensitive first)."""

    def kind(name: str) -> int:
        if len(name) > 1 and name.isupper():
            return 0
        return 1 if name[:1].isupper() else 2

    return sorted(dict.fromkeys(names), key=lambda name: (kind(name), _natural(name.lower()), _natural(name)))
