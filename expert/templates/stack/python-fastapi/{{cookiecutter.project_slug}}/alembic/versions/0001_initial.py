"""Initial schema: users and the resources.

Revision ID: 0001
Revises:
Create Date: 2026-01-01 00:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
{%- set sa_types = {"string": "String", "text": "Text", "integer": "Integer", "boolean": "Boolean"} %}
{%- for e in cookiecutter.entities %}
    op.create_table(
        "{{ e.table }}",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
{%- for f in e.fields %}
{%- set col_type = "sa.String(length=%d)" % f.get("max_length", 255) if f.type == "string" else "sa.%s()" % sa_types[f.type] %}
        sa.Column("{{ f.name }}", {{ col_type }}, nullable={{ "False" if f.required else "True" }}),
{%- endfor %}
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_{{ e.table }}_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ e.table }}")),
{%- for f in e.fields | selectattr("unique") %}
        sa.UniqueConstraint(
            "owner_id",
            "{{ f.name }}",
            name=op.f("uq_{{ e.table }}_owner_id_{{ f.name }}"),
        ),
{%- endfor %}
    )
    op.create_index(
        op.f("ix_{{ e.table }}_owner_id"),
        "{{ e.table }}",
        ["owner_id"],
        unique=False,
    )
{%- endfor %}


def downgrade() -> None:
{%- for e in cookiecutter.entities | reverse %}
    op.drop_index(op.f("ix_{{ e.table }}_owner_id"), table_name="{{ e.table }}")
    op.drop_table("{{ e.table }}")
{%- endfor %}
    op.drop_table("users")
