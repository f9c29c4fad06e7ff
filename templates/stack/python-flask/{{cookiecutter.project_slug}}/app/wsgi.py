"""gunicorn's entry point: `gunicorn app.wsgi:app` (settings come from the environment)."""

from app import create_app

app = create_app()
