"""The JSON API (django-ninja, OpenAPI at /api/v1/docs)."""
