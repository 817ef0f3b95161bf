"""``storylens serve``: the web UI and HTTP API over a database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        db: Annotated[str, typer.Option("--db", help="SQLite database file (created if missing), or a PostgreSQL "
                                                     "URL: postgresql://user:password@host:port/dbname.")] = "storylens.db",
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    ) -> None:
        """Serve the web UI (stories, story pages, articles, upload) and the JSON API under /api/v1."""
        import uvicorn

        from storylens.store import describe, is_postgres_url
        from storylens.web import create_app

        name = describe(db)
        if db != ":memory:" and not is_postgres_url(db) and Path(db).is_dir():
            typer.echo(f"storylens: error: {db}: is a folder, not a database file", err=True)
            raise typer.Exit(2)
        try:
            application = create_app(db)
        except Exception as exc:  # noqa: BLE001 - one line for the user
            text = " ".join(str(exc).split()).replace(db, name)
            msg = text if text.startswith(name) else f"{name}: cannot open database ({text})"
            typer.echo(f"storylens: error: {msg}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"storylens: serving {name} on http://{host}:{port}/ (API at /api/v1, spec at /openapi.json)", err=True)
        uvicorn.run(application, host=host, port=port, log_level="warning")
