"""Strict serializer fields: JSON types as the contract (openapi.yaml) declares them.

Django REST framework's own fields are lenient on purpose (a CharField takes 12, an IntegerField
"12", a BooleanField "yes"): these take exactly the JSON types and text forms of the contract's JSON
Schema, so that a request the contract refuses is refused here too (422), and the reverse.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from rest_framework import serializers

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
INTEGER_TEXT = re.compile(r"-?[0-9]{1,20}")
INT32_MIN = -2147483648
INT32_MAX = 2147483647
# Integer ids stop at 2**53 - 1, the largest integer JavaScript (and JSON tools) hold exactly.
MAX_ID = 9007199254740991


class StrictText(serializers.Field):
    """A JSON string of min_length..max_length characters; no NUL (PostgreSQL text holds none)
    unless `allow_nul`, for a text that is compared and never stored (a password, a token)."""

    def __init__(
        self,
        *,
        min_length: int = 0,
        max_length: int | None = None,
        allow_nul: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.min_length, self.max_length, self.allow_nul = min_length, max_length, allow_nul

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail_with("must be a string")
        if "\x00" in data and not self.allow_nul:
            self.fail_with("must not contain NUL characters")
        if len(data) < self.min_length:
            self.fail_with(f"must be at least {self.min_length} characters long")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail_with(f"must be at most {self.max_length} characters long")
        return data

    def to_representation(self, value: Any) -> Any:
        return value

    def fail_with(self, message: str) -> None:
        raise serializers.ValidationError(message)


class StrictChoice(StrictText):
    """One of the enum's values."""

    def __init__(self, *, choices: list[str], **kw: Any) -> None:
        super().__init__(**kw)
        self.choices = choices

    def to_internal_value(self, data: Any) -> str:
        if data not in self.choices or not isinstance(data, str):
            self.fail_with("must be one of: " + ", ".join(self.choices))
        return data


class StrictInteger(StrictText):
    """A JSON integer in [low, high] (3.0 counts as 3, as in JSON Schema; "3" and true do not)."""

    def __init__(self, *, low: int = INT32_MIN, high: int = INT32_MAX, **kw: Any) -> None:
        super().__init__(**kw)
        self.low, self.high = low, high

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, float) and math.isfinite(data) and data.is_integer():
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail_with("must be an integer")
        if not self.low <= data <= self.high:
            self.fail_with(f"must be between {self.low} and {self.high}")
        return data


class StrictBoolean(StrictText):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail_with("must be true or false")
        return data


class StrictDecimal(StrictText):
    """A decimal as a string matching `pattern` (exact, unlike a JSON number), within its bounds;
    returned with `scale` decimal places."""

    def __init__(
        self,
        *,
        pattern: str,
        scale: int,
        low: str | None = None,
        high: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.pattern, self.scale = re.compile(pattern), scale
        self.low = Decimal(low) if low is not None else None
        self.high = Decimal(high) if high is not None else None

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str) or not self.pattern.fullmatch(data):
            self.fail_with("must be a decimal number written as a string")
        try:
            number = Decimal(data)
        except InvalidOperation:
            self.fail_with("must be a decimal number written as a string")
        if self.low is not None and number < self.low:
            self.fail_with(f"must be >= {self.low}")
        if self.high is not None and number > self.high:
            self.fail_with(f"must be <= {self.high}")
        return number

    def to_representation(self, value: Any) -> Any:
        return None if value is None else f"{value:.{self.scale}f}"


class StrictDate(StrictText):
    def to_internal_value(self, data: Any) -> date:
        if not isinstance(data, str) or not DATE.fullmatch(data):
            self.fail_with("must be a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(data)
        except ValueError:
            self.fail_with("must be a valid date")
        raise AssertionError  # unreachable: fail_with raises

    def to_representation(self, value: Any) -> Any:
        return None if value is None else value.isoformat()


class StrictInstant(StrictText):
    """An RFC 3339 date-time with an offset, stored in UTC."""

    def to_internal_value(self, data: Any) -> datetime:
        if not isinstance(data, str) or not INSTANT.fullmatch(data):
            self.fail_with("must be an RFC 3339 date-time with an offset")
        try:
            return datetime.fromisoformat(data.upper()).astimezone(UTC)
        except (ValueError, OverflowError):
            self.fail_with("must be a valid date-time")
        raise AssertionError  # unreachable: fail_with raises

    def to_representation(self, value: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class StrictUuid(StrictText):
    def to_internal_value(self, data: Any) -> uuid.UUID:
        if not isinstance(data, str) or not UUID_TEXT.fullmatch(data):
            self.fail_with("must be a UUID")
        return uuid.UUID(data)

    def to_representation(self, value: Any) -> Any:
        return None if value is None else str(value)


class RowId(StrictText):
    """The id of a row: a UUID, or a positive 64-bit integer below 2**53."""

    def __init__(self, *, uuid_ids: bool, **kw: Any) -> None:
        super().__init__(**kw)
        self.uuid_ids = uuid_ids

    def to_internal_value(self, data: Any) -> Any:
        if self.uuid_ids:
            return StrictUuid().to_internal_value(data)
        return StrictInteger(low=1, high=MAX_ID).to_internal_value(data)

    def to_representation(self, value: Any) -> Any:
        return str(value) if self.uuid_ids and value is not None else value


class FiniteJson(serializers.Field):
    """Any JSON value but NaN and Infinity (Python reads them, databases cannot store them)."""

    def to_internal_value(self, data: Any) -> Any:
        pending = [data]
        while pending:
            item = pending.pop()
            if isinstance(item, float) and not math.isfinite(item):
                raise serializers.ValidationError("must not hold NaN or Infinity")
            if isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


def from_query(field: serializers.Field, text: str) -> Any:
    """A query-string value through a strict field (integers and booleans come as text there)."""
    if isinstance(field, StrictBoolean):
        if text not in ("true", "false"):
            raise serializers.ValidationError("must be true or false")
        return text == "true"
    if isinstance(field, StrictInteger) or (isinstance(field, RowId) and not field.uuid_ids):
        if not INTEGER_TEXT.fullmatch(text):
            raise serializers.ValidationError("must be an integer")
        return field.to_internal_value(int(text))
    return field.to_internal_value(text)
