"""The HTTP API (Django REST framework views); config/urls.py routes to them."""
