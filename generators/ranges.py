"""Regular expressions that accept exactly the decimal texts of a range, for the API contract.

A decimal field travels as text (``"12.50"``: exact, unlike a JSON number), and JSON Schema bounds only
numbers: the contract's ``pattern`` is what tells clients, and schemathesis, which texts the API takes.
``decimal_pattern(precision, scale, low, high)`` accepts a text ``-?(0|[1-9][0-9]*)(\\.[0-9]+)?`` exactly
when NUMERIC(precision, scale) holds its value and ``low <= value <= high`` (a minus sign, even ``-0``,
only when the range has negative values): the integer part is matched
digit by digit against the bounds (the classic numeric-range construction), the fraction as a
fixed-width digit string padded with zeros (``.5`` is ``.50``). Only ``^ $ ( ) | [0-9] {m,n} \\.`` are
used: Python's ``re``, pydantic's Rust engine and ECMAScript read them alike.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from expert.model import DECIMAL_CONTEXT

__all__ = ["decimal_pattern"]


def decimal_pattern(precision: int, scale: int, low: Decimal | None = None, high: Decimal | None = None) -> str:
    """The regex of the decimal texts NUMERIC(precision, scale) holds within [low, high] (None: the
    column's own limit). Without bounds, and with a minimum of 0, it is the short form."""
    digits = precision - scale
    with localcontext(DECIMAL_CONTEXT):  # exact: the default context rounds past 28 digits
        limit = Decimal(10) ** digits - Decimal(1).scaleb(-scale)
        lo = -limit if low is None else max(low, -limit)
        hi = limit if high is None else min(high, limit)
        if hi == limit and lo in (-limit, 0):
            return _column_pattern(digits, scale, signed=lo < 0)
        branches = []
        if hi >= 0:
            branches.append(_magnitudes(max(lo, Decimal(0)), hi, scale))
        if lo < 0:  # a minus sign only where negative values are allowed ("-0" included then)
            branches.append("-" + _magnitudes(max(-hi, Decimal(0)), -lo, scale))
    return "^" + _group(branches) + "$"


def _column_pattern(digits: int, scale: int, signed: bool) -> str:
    whole = "0" if digits == 0 else (f"(0|[1-9][0-9]{{0,{digits - 1}}})" if digits > 1 else "[0-9]")
    frac = "" if scale == 0 else rf"(\.[0-9]{{1,{scale}}})?"
    return f"^{'-?' if signed else ''}{whole}{frac}$"


def _split(value: Decimal, scale: int) -> tuple[int, str]:
    """12.5 with scale 3 -> (12, "500")."""
    with localcontext(DECIMAL_CONTEXT):
        units = int(value.scaleb(scale).to_integral_value())
    whole, fraction = divmod(units, 10**scale)
    return whole, str(fraction).zfill(scale) if scale else ""


def _magnitudes(a: Decimal, b: Decimal, scale: int) -> str:
    """Unsigned texts of the values in [a, b] (0 <= a <= b, at most ``scale`` decimals)."""
    ia, fa = _split(a, scale)
    ib, fb = _split(b, scale)
    if scale == 0:
        return _integers(ia, ib)
    top, bottom = "9" * scale, "0" * scale
    if ia == ib:
        return _integers(ia, ia) + _fractions(fa, fb)
    first = ia if fa == bottom else ia + 1  # the whole numbers whose every fraction is in range
    last = ib if fb == top else ib - 1
    parts = [] if fa == bottom else [_integers(ia, ia) + _fractions(fa, top)]
    if first <= last:
        parts.append(_integers(first, last) + _fractions(bottom, top))
    if fb != top:
        parts.append(_integers(ib, ib) + _fractions(bottom, fb))
    return _group(parts)


def _integers(lo: int, hi: int) -> str:
    """Integers lo..hi written without leading zeros (a run of whole widths as one ``[1-9][0-9]{m,n}``)."""
    parts, run = [], []  # run: consecutive widths whose every number is in range
    for width in range(len(str(lo)), len(str(hi)) + 1):
        first = 10 ** (width - 1) if width > 1 else 0
        start, end = max(lo, first), min(hi, 10**width - 1)
        if (start, end) == (first, 10**width - 1):
            run.append(width)
            continue
        parts += _whole_widths(run)
        run = []
        if start <= end:
            parts.append(_fixed(str(start).zfill(width), str(end).zfill(width)))
    return _group(parts + _whole_widths(run))


def _whole_widths(widths: list[int]) -> list[str]:
    """Every integer of these consecutive widths (1 is 0-9)."""
    if not widths:
        return []
    low, high = widths[0], widths[-1]
    parts = ["0"] if low == 1 else []
    low = max(low, 1)
    if high == 1:
        return ["[0-9]"]
    repeat = f"{{{low - 1},{high - 1}}}" if low != high else (f"{{{low - 1}}}" if low > 2 else "")
    return [*parts, "[1-9]" + (f"[0-9]{repeat}" if high > 1 and (low > 1 or high > 1) else "")]


def _fractions(lo: str, hi: str) -> str:
    """The optional fraction ``.d`` (1 to len(lo) digits) whose digits, padded with zeros to len(lo),
    lie between lo and hi (equal-width digit strings); no fraction at all is the value 0."""
    scale = len(lo)
    if (lo, hi) == ("0" * scale, "9" * scale):
        return rf"(\.[0-9]{{1,{scale}}})?"
    parts = []
    for width in range(1, scale + 1):
        shift = 10 ** (scale - width)
        start, end = -(-int(lo) // shift), int(hi) // shift  # the width-digit prefixes within [lo, hi]
        if start <= end:
            parts.append(_fixed(str(start).zfill(width), str(end).zfill(width)))
    body = rf"\.{_group(parts)}" if parts else ""
    if int(lo) == 0:
        return f"({body})?" if body else ""
    return body


def _fixed(lo: str, hi: str) -> str:
    """Digit strings of the width of lo and hi whose value is between them."""
    if lo == hi:
        return lo
    if lo[0] == hi[0]:
        return lo[0] + _fixed(lo[1:], hi[1:])
    rest = len(lo) - 1
    any_rest = f"[0-9]{{{rest}}}" if rest > 1 else ("[0-9]" if rest == 1 else "")
    low_whole, high_whole = lo[1:] == "0" * rest, hi[1:] == "9" * rest
    first = int(lo[0]) if low_whole else int(lo[0]) + 1
    last = int(hi[0]) if high_whole else int(hi[0]) - 1
    parts = [] if low_whole else [lo[0] + _fixed(lo[1:], "9" * rest)]
    if first <= last:
        parts.append(_digits(str(first), str(last)) + any_rest)
    if not high_whole:
        parts.append(hi[0] + _fixed("0" * rest, hi[1:]))
    return _group(parts)


def _digits(lo: str, hi: str) -> str:
    return lo if lo == hi else f"[{lo}-{hi}]"


def _group(parts: list[str]) -> str:
    """Alternatives as one group (no group around a single one)."""
    parts = [p for p in dict.fromkeys(parts)]
    if len(parts) == 1:
        return parts[0]
    return "(" + "|".join(parts) + ")"
