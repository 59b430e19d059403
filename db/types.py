"""Column types that keep amounts exact on every backend."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from knowledge.numbers import AMOUNT_PLACES, check_amount, plain


class ExactDecimal(TypeDecorator):
    """NUMERIC(18, 4) on PostgreSQL; on SQLite (which has no decimal type) the decimal's plain text, never a float.

    Both hold exactly what `knowledge.numbers.check_amount` lets in (0 <= amount < 10^14, at most 4 decimal
    places); a value outside is refused here rather than rounded (PostgreSQL) or kept only on SQLite. Values come
    back in plain form on both backends: 5640, never Decimal('5.64E+3') nor '5640.0000'."""

    impl = Numeric(18, AMOUNT_PLACES)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(18, AMOUNT_PLACES, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = check_amount(Decimal(value))  # BadNumber (a ValueError) for what the column cannot hold
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return plain(Decimal(value))


class UTCDateTime(TypeDecorator):
    """Aware datetimes in UTC on every backend (SQLite stores them naive; they come back aware)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
