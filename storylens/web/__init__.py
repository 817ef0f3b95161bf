"""Web UI and HTTP API (FastAPI): ``storylens serve --db FILE``."""

from storylens.web.app import create_app

__all__ = ["create_app"]
