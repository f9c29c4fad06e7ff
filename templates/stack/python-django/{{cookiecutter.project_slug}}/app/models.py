"""The Django models. app/migrations holds the same schema as committed migrations (and
db/schema.sql as plain DDL); tests/test_migrations.py checks that makemigrations finds no change."""

from __future__ import annotations
{%- set m = cookiecutter | relational %}
{%- set uuid_ids = m.id_kind == "uuid" %}
{%- macro call(indent, head, args) -%}
{#- head(args) on one line when it fits in 100 columns, else one argument per line with a trailing
    comma (the layout ruff format keeps) -#}
{%- set flat = " " * indent ~ head ~ "(" ~ args | join(", ") ~ ")" -%}
{%- if flat | length <= 100 -%}
{{ flat }}
{%- else -%}
{{ " " * indent ~ head }}(
{%- for arg in args %}
{{ " " * (indent + 4) ~ arg }},
{%- endfor %}
{{ " " * indent }})
{%- endif -%}
{%- endmacro %}
{%- if uuid_ids %}

import os
import time
import uuid
{%- endif %}

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
{%- if uuid_ids %}


def uuid7() -> uuid.UUID:
    """A version 7 UUID (RFC 9562 section 5.7): 48-bit Unix time in ms, then 74 random bits."""
    unix_ms = time.time_ns() // 1_000_000
    value = (unix_ms & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # variant 10
    return uuid.UUID(int=value)
{%- endif %}


class UserManager(BaseUserManager["User"]):
    """Accounts are named by their (lower-case) email address."""

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        user = self.model(email=email.lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Staff accounts (is_staff) may also sign in to the admin at /admin/."""

    id = models.AutoField(primary_key=True)
    email = models.CharField(max_length=320, unique=True)
    password = models.CharField(max_length=255, db_column="password_hash")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        db_table = "users"
{%- if cookiecutter.auth == "jwt" %}


class AuthSession(models.Model):
    """One login of a user. Every authenticated request checks that its session is open: logout, a
    password change or a reused refresh token close it at once."""

    id = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The id (jti) of the one refresh token of this session that may still be used.
    refresh_jti = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "auth_sessions"
{%- endif %}
{%- set on_delete = {"cascade": "models.CASCADE", "restrict": "models.RESTRICT", "set-null": "models.SET_NULL"} %}
{%- for e in m.entities %}


class {{ e.name }}(models.Model):
{%- if uuid_ids %}
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
{%- else %}
    id = models.BigAutoField(primary_key=True)
{%- endif %}
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
{%- for f in e.fields %}
{%- set null = [] if f.required else ["null=True"] %}
{%- set index = ["db_index=True"] if f.indexed else [] %}
{%- if f.type == "string" %}
{%- set head, args = "models.CharField", ["max_length=%d" % f.max_length] + null + index %}
{%- elif f.type == "enum" %}
{%- set head, args = "models.CharField", ["max_length=%d" % f.length] + null + index %}
{%- elif f.type == "decimal" %}
{%- set head, args = "models.DecimalField", ["max_digits=%d" % f.precision, "decimal_places=%d" % f.scale] + null + index %}
{%- else %}
{%- set head = {"text": "models.TextField", "integer": "models.IntegerField", "boolean": "models.BooleanField", "date": "models.DateField", "datetime": "models.DateTimeField", "uuid": "models.UUIDField", "json": "models.JSONField"}[f.type] %}
{%- set args = null + index %}
{%- endif %}
{{ call(4, f.name ~ " = " ~ head, args) }}
{%- endfor %}
{%- for r in e.many_to_one %}
{%- set target = '"self"' if r.target == e.name else '"%s"' % r.target %}
{{ call(4, r.name ~ " = models.ForeignKey", [target, "on_delete=" ~ on_delete[r.on_delete]] + ([] if r.required else ["null=True"]) + ['related_name="+"']) }}
{%- endfor %}
{%- for r in e.many_to_many %}
{%- set target = '"self"' if r.target == e.name else '"%s"' % r.target %}
{{ call(4, r.name ~ " = models.ManyToManyField", [target, 'db_table="%s"' % r.table, 'related_name="+"'] + (["symmetrical=False"] if r.target == e.name else [])) }}
{%- endfor %}
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
{%- set uniques = e.fields | selectattr("unique") | list %}

    class Meta:
        db_table = "{{ e.table }}"
{%- if uniques %}
        constraints = [
{%- for f in uniques %}
{{ call(12, "models.UniqueConstraint", ['fields=["owner", "%s"]' % f.name, 'name="%s"' % f.unique_name]) }},
{%- endfor %}
        ]
{%- endif %}
{%- endfor %}
