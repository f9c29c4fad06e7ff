# The initial schema (the same tables as db/schema.sql); tests/test_migrations.py runs
# `makemigrations --check` so that app/models.py and these migrations cannot drift apart.
{%- set m = cookiecutter | relational %}
{%- set uuid_ids = m.id_kind == "uuid" %}
{%- macro call(indent, head, args, tail="") -%}
{%- set flat = " " * indent ~ head ~ "(" ~ args | join(", ") ~ ")" ~ tail -%}
{%- if flat | length <= 100 -%}
{{ flat }}
{%- else -%}
{{ " " * indent ~ head }}(
{%- for arg in args %}
{{ " " * (indent + 4) ~ arg }},
{%- endfor %}
{{ " " * indent }}){{ tail }}
{%- endif -%}
{%- endmacro %}
{%- macro column(name, head, args) -%}
{#- ("name", models.X(args)), in a fields list: on one line when it fits, else the tuple split -#}
{%- set flat = '                ("%s", %s(%s)),' % (name, head, args | join(", ")) -%}
{%- if flat | length <= 100 -%}
{{ flat }}
{%- else -%}
{{ "                (" }}
                    "{{ name }}",
{{ call(20, head, args, ",") }}
                ),
{%- endif -%}
{%- endmacro %}

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
{%- if uuid_ids %}

import app.models
{%- endif %}

OWNER = {"on_delete": django.db.models.deletion.CASCADE, "related_name": "+"}
{%- set on_delete = {"cascade": "django.db.models.deletion.CASCADE", "restrict": "django.db.models.deletion.RESTRICT", "set-null": "django.db.models.deletion.SET_NULL"} %}


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="User",
            fields=[
                (
                    "last_login",
                    models.DateTimeField(blank=True, null=True, verbose_name="last login"),
                ),
                (
                    "is_superuser",
                    models.BooleanField(
                        default=False,
                        help_text="Designates that this user has all permissions without "
                        "explicitly assigning them.",
                        verbose_name="superuser status",
                    ),
                ),
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("email", models.CharField(max_length=320, unique=True)),
                ("password", models.CharField(db_column="password_hash", max_length=255)),
                ("is_active", models.BooleanField(default=True)),
                ("is_staff", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "groups",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The groups this user belongs to. A user will get all "
                        "permissions granted to each of their groups.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
                (
                    "user_permissions",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Specific permissions for this user.",
                        related_name="user_set",
                        related_query_name="user",
                        to="auth.permission",
                        verbose_name="user permissions",
                    ),
                ),
            ],
            options={"db_table": "users"},
        ),
{%- if cookiecutter.auth == "jwt" %}
        migrations.CreateModel(
            name="AuthSession",
            fields=[
                ("id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("refresh_jti", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("revoked_at", models.DateTimeField(null=True)),
                ("user", models.ForeignKey(to=settings.AUTH_USER_MODEL, **OWNER)),
            ],
            options={"db_table": "auth_sessions"},
        ),
{%- endif %}
{%- for e in m.entities %}
        migrations.CreateModel(
            name="{{ e.name }}",
            fields=[
{%- if uuid_ids %}
{{ column("id", "models.UUIDField", ["default=app.models.uuid7", "editable=False", "primary_key=True", "serialize=False"]) }}
{%- else %}
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
{%- endif %}
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
{{ column(f.name, head, args) }}
{%- endfor %}
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("owner", models.ForeignKey(to=settings.AUTH_USER_MODEL, **OWNER)),
            ],
            options={"db_table": "{{ e.table }}"},
        ),
{%- endfor %}
{#- references last: every table they point at exists by then (cycles included) #}
{%- for e in m.entities %}
{%- for r in e.many_to_one %}
        migrations.AddField(
            model_name="{{ e.name | lower }}",
            name="{{ r.name }}",
{{ call(12, "field=models.ForeignKey", ['to="app.%s"' % (r.target | lower), "on_delete=" ~ on_delete[r.on_delete]] + ([] if r.required else ["null=True"]) + ['related_name="+"'], ",") }}
        ),
{%- endfor %}
{%- for r in e.many_to_many %}
        migrations.AddField(
            model_name="{{ e.name | lower }}",
            name="{{ r.name }}",
{{ call(12, "field=models.ManyToManyField", ['to="app.%s"' % (r.target | lower), 'db_table="%s"' % r.table, 'related_name="+"'], ",") }}
        ),
{%- endfor %}
{%- for f in e.fields | selectattr("unique") %}
        migrations.AddConstraint(
            model_name="{{ e.name | lower }}",
{{ call(12, "constraint=models.UniqueConstraint", ['fields=("owner", "%s")' % f.name, 'name="%s"' % f.unique_name], ",") }}
        ),
{%- endfor %}
{%- endfor %}
    ]
