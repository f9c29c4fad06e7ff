"""The admin at /admin/: staff accounts only (`python manage.py createsuperuser`)."""

from django.contrib import admin

from app import models
{%- set m = cookiecutter | relational %}


@admin.register(models.User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["id", "email", "is_active", "is_staff", "created_at"]
    search_fields = ["email"]
    exclude = ["password"]

{% for e in m.entities %}
admin.site.register(models.{{ e.name }})
{%- endfor %}
