"""Initial schema: users, their sessions and the resources.

Revision ID: 0001
Revises:
Create Date: 2026-01-01 00:00:00

"""
{%- set m = cookiecutter | relational %}

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def timestamp() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def uuid_type() -> sa.types.TypeEngine:
    # CHAR(32) on MySQL and MariaDB alike (MariaDB 10.7+ would otherwise get its native UUID type).
    return sa.Uuid().with_variant(sa.Uuid(native_uuid=False), "mysql", "mariadb")


{%- if "text" in m.types %}


def long_text() -> sa.types.TypeEngine:
    # MySQL's TEXT holds 65,535 bytes, fewer than 65,535 characters of utf8mb4: MEDIUMTEXT there.
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
{%- endif %}


def row_id() -> sa.types.TypeEngine:
{%- if m.id_kind == "uuid" %}
    return uuid_type()
{%- else %}
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")
{%- endif %}


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", timestamp(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
{%- if cookiecutter.auth == "jwt" %}
        sa.Column("refresh_jti", sa.String(length=64), nullable=False),
{%- endif %}
        sa.Column("created_at", timestamp(), server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", timestamp(), nullable=False),
        sa.Column("revoked_at", timestamp(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    op.create_index(
        op.f("ix_auth_sessions_user_id"),
        "auth_sessions",
        ["user_id"],
        unique=False,
    )
{%- set sa_types = {"text": "long_text()", "integer": "sa.Integer()", "boolean": "sa.Boolean()", "date": "sa.Date()", "datetime": "timestamp()", "uuid": "uuid_type()", "json": "sa.JSON()"} %}
{%- import "python-layout.jinja" as layout %}
{%- macro name(indent, prefix, value, closer) -%}
{{ layout.fit(indent, prefix ~ "op.f(", ['"%s"' % value], closer) }}
{%- endmacro %}
{%- macro index(index_name, table, column) %}
    op.create_index(
{{ name(8, "", index_name, "),") }}
        "{{ table }}",
        ["{{ column }}"],
        unique=False,
    )
{%- endmacro %}
{%- for e in m.ordered %}
    op.create_table(
        "{{ e.table }}",
        sa.Column("id", row_id(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
{%- for f in e.fields %}
{%- if f.type == "string" %}
{%- set col_type = "sa.String(length=%d)" % f.max_length %}
{%- elif f.type == "enum" %}
{%- set col_type = "sa.String(length=%d)" % f.length %}
{%- elif f.type == "decimal" %}
{%- set col_type = "sa.Numeric(precision=%d, scale=%d)" % (f.precision, f.scale) %}
{%- else %}
{%- set col_type = sa_types[f.type] %}
{%- endif %}
{{ layout.fit(8, "sa.Column(", ['"%s"' % f.name, col_type, "nullable=%s" % ("False" if f.required else "True")], "),") }}
{%- endfor %}
{%- for r in e.many_to_one %}
{{ layout.fit(8, "sa.Column(", ['"%s"' % r.column, "row_id()", "nullable=%s" % ("True" if r.nullable else "False")], "),") }}
{%- endfor %}
        sa.Column("created_at", timestamp(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", timestamp(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
{{ name(12, "name=", e.owner_fk, "),") }}
            ondelete="CASCADE",
        ),
{%- for r in e.many_to_one %}
        sa.ForeignKeyConstraint(
            ["{{ r.column }}"],
            ["{{ r.target_table }}.id"],
{{ name(12, "name=", r.fk_name, "),") }}
            ondelete="{{ r.on_delete_sql }}",
{%- if r.deferred %}
            use_alter=True,  # a cycle: added below, once every table exists
{%- endif %}
        ),
{%- endfor %}
{{ layout.fit(8, "sa.PrimaryKeyConstraint(", ['"id"', 'name=op.f("%s")' % e.pk_name], "),") }}
{%- for f in e.fields | selectattr("unique") %}
        sa.UniqueConstraint(
            "owner_id",
            "{{ f.name }}",
{{ name(12, "name=", f.unique_name, "),") }}
        ),
{%- endfor %}
    )
{{- index(e.owner_index, e.table, "owner_id") }}
{%- for f in e.fields | selectattr("indexed") %}
{{- index(f.index_name, e.table, f.name) }}
{%- endfor %}
{%- for r in e.many_to_one %}
{{- index(r.index_name, e.table, r.column) }}
{%- endfor %}
{%- endfor %}
{%- for e in m.entities %}
{%- for r in e.many_to_many %}
    op.create_table(
        "{{ r.table }}",
{{ layout.fit(8, "sa.Column(", ['"%s"' % r.left, "row_id()", "nullable=False"], "),") }}
{{ layout.fit(8, "sa.Column(", ['"%s"' % r.right, "row_id()", "nullable=False"], "),") }}
        sa.ForeignKeyConstraint(
            ["{{ r.left }}"],
            ["{{ e.table }}.id"],
{{ name(12, "name=", r.left_fk, "),") }}
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["{{ r.right }}"],
            ["{{ r.target_table }}.id"],
{{ name(12, "name=", r.right_fk, "),") }}
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "{{ r.left }}",
            "{{ r.right }}",
{{ name(12, "name=", r.pk_name, "),") }}
        ),
    )
{{- index(r.right_index, r.table, r.right) }}
{%- endfor %}
{%- endfor %}
{%- if m.deferred %}
    # The foreign keys of a cycle of relations, now that every table exists. SQLite created them
    # with their tables: it checks references only when rows are written, and cannot add them later.
    if op.get_context().dialect.supports_alter:
{%- for e, r in m.deferred %}
        op.create_foreign_key(
{{ name(12, "", r.fk_name, "),") }}
            "{{ e.table }}",
            "{{ r.target_table }}",
            ["{{ r.column }}"],
            ["id"],
            ondelete="{{ r.on_delete_sql }}",
        )
{%- endfor %}
{%- endif %}


def downgrade() -> None:
    # Dropping a table drops its indexes (MySQL refuses to drop an index a foreign key still uses).
{%- if m.deferred %}
    if op.get_context().dialect.supports_alter:
{%- for e, r in m.deferred %}
        op.drop_constraint(
{{ name(12, "", r.fk_name, "),") }}
            "{{ e.table }}",
            type_="foreignkey",
        )
{%- endfor %}
{%- endif %}
{%- for e in m.ordered | reverse %}
{%- for r in e.many_to_many | reverse %}
    op.drop_table("{{ r.table }}")
{%- endfor %}
{%- endfor %}
{%- for e in m.ordered | reverse %}
    op.drop_table("{{ e.table }}")
{%- endfor %}
    op.drop_table("auth_sessions")
    op.drop_table("users")
