"""marshmallow fields as strict as the contract's JSON Schema (openapi.yaml): JSON carries dates,
instants, UUIDs and decimals as text in exactly one standard form, integers are integers (not
"3", not true), booleans are true or false. Every error message names the rule, never the value."""

from __future__ import annotations

import math
import re
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from app import passwords

EMAIL_PATTERN = r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"
# Not blank, no NUL (app/passwords.py checks the rest: NFKC length, common passwords).
NOT_BLANK = r"^[^\x00]*[^\x00\x09-\x0d\x20][^\x00]*$"
INT32_MIN = -2147483648
INT32_MAX = 2147483647
# Integer ids stop at 2**53 - 1, the largest integer JavaScript (and JSON tools) hold exactly.
MAX_ID = 9007199254740991

DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
DIGITS = re.compile(r"-?[0-9]{1,20}")


class WholeNumber(fields.Integer):
    """A JSON integer: 3 and 3.0 (JSON Schema counts it as an integer); not 1.5, "3" or true."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("must be an integer")
        return super()._deserialize(value, attr, data, **kwargs)


class QueryInteger(fields.Integer):
    """An integer in a query string or a path: decimal digits only."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if not isinstance(value, str) or not DIGITS.fullmatch(value):
            raise ValidationError("must be an integer")
        return int(value)


class StrictBoolean(fields.Boolean):
    """A JSON boolean: true or false, not "yes" or 1."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class QueryBoolean(fields.Boolean):
    """A boolean in a query string: the JSON words true or false."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if value not in ("true", "false"):
            raise ValidationError("must be true or false")
        return value == "true"


class Text(fields.String):
    """A string without NUL characters (PostgreSQL text cannot hold them)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("must not contain NUL characters")
        return text


class Day(fields.Date):
    """A date as YYYY-MM-DD."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not DAY.fullmatch(value):
            raise ValidationError("must be a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError("must be a date (YYYY-MM-DD)") from None


class Instant(fields.DateTime):
    """An RFC 3339 date-time with an offset, stored and returned in UTC (`Z`)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        message = "must be an RFC 3339 date-time with an offset"
        if not isinstance(value, str) or not INSTANT.fullmatch(value):
            raise ValidationError(message)
        text = value.upper().replace("Z", "+00:00")  # Python 3.10 reads no Z
        try:
            return datetime.fromisoformat(_six_digit_fraction(text)).astimezone(timezone.utc)
        except (ValueError, OverflowError):
            raise ValidationError(message) from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _six_digit_fraction(text: str) -> str:
    """fromisoformat takes up to six fraction digits on Python 3.10: cut (or pad) to six."""
    match = re.fullmatch(r"(.{19})\.([0-9]+)(.*)", text)
    if not match:
        return text
    head, fraction, tail = match.groups()
    return f"{head}.{fraction[:6].ljust(6, '0')}{tail}"


class UuidText(fields.UUID):
    """A UUID in its hyphenated text form."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> uuid.UUID:
        if not isinstance(value, str) or not UUID_TEXT.fullmatch(value):
            raise ValidationError("must be a UUID")
        return uuid.UUID(value)


class DecimalText(fields.Field):
    """A decimal as text (exact), matching `pattern` (precision and scale) and within the bounds;
    returned with `scale` decimal places."""

    def __init__(
        self, pattern: str, scale: int, low: str | None, high: str | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.pattern = re.compile(pattern)
        self.scale = scale
        self.low = None if low is None else Decimal(low)
        self.high = None if high is None else Decimal(high)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise ValidationError(f"must be a decimal number as text, {self.scale} places at most")
        number = Decimal(value)
        if self.low is not None and number < self.low:
            raise ValidationError(f"must be >= {self.low}")
        if self.high is not None and number > self.high:
            raise ValidationError(f"must be <= {self.high}")
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{value:.{self.scale}f}"


class Json(fields.Raw):
    """Any JSON value. Python's parser reads NaN and Infinity (and 1e400 as infinity), which JSON
    has not: refuse them anywhere in the value (databases cannot store them, clients cannot read
    them)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, float) and not math.isfinite(item):
                raise ValidationError("must not hold NaN or Infinity")
            if isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        return value


class NewPassword(fields.String):
    """A new password: the policy of app/passwords.py; loaded normalised (NFKC)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return passwords.checked_password(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class GivenPassword(fields.String):
    """A password to compare with a stored hash: normalised the same way, never policy-checked."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not 1 <= len(text) <= passwords.MAX_LENGTH:
            raise ValidationError(f"must be 1 to {passwords.MAX_LENGTH} characters long")
        return passwords.normalise(text)


def matching(pattern: str) -> validate.Regexp:
    """A validator of the contract's `pattern`: its `$` ends the text, as in JSON Schema (Python's
    `$` would also accept a trailing newline)."""
    anchored = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
    return validate.Regexp(re.compile(anchored), error="must match the pattern of the contract")
