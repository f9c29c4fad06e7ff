"""SQLAlchemy 2 models. The initial migration in alembic/versions creates the same schema."""

from __future__ import annotations

from datetime import datetime, timezone
{% set all_fields = cookiecutter.entities | map(attribute="fields") | sum(start=[]) %}
{%- set used_types = all_fields | map(attribute="type") | list %}
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
{%- if "text" in used_types %}
    Text,
{%- endif %}
    TypeDecorator,
{%- if all_fields | selectattr("unique") | list %}
    UniqueConstraint,
{%- endif %}
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now()
    )
{%- set sa_types = {"string": "String", "text": "Text", "integer": "Integer", "boolean": "Boolean"} %}
{%- set py_types = {"string": "str", "text": "str", "integer": "int", "boolean": "bool"} %}
{%- for e in cookiecutter.entities %}


class {{ e.name }}(Base):
    __tablename__ = "{{ e.table }}"
{%- set uniques = e.fields | selectattr("unique") | list %}
{%- if uniques | length == 1 %}
    __table_args__ = (UniqueConstraint("owner_id", "{{ uniques[0].name }}"),)
{%- elif uniques %}
    __table_args__ = (
{%- for f in uniques %}
        UniqueConstraint("owner_id", "{{ f.name }}"),
{%- endfor %}
    )
{%- endif %}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
{%- for f in e.fields %}
{%- set sa_type = sa_types[f.type] ~ ("(%d)" % f.get("max_length", 255) if f.type == "string" else "") %}
{%- set py_type = py_types[f.type] ~ ("" if f.required else " | None") %}
    {{ f.name }}: Mapped[{{ py_type }}] = mapped_column({{ sa_type }})
{%- endfor %}
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )
{%- endfor %}
