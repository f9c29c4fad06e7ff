from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "app"
    default_auto_field = "django.db.models.BigAutoField"
