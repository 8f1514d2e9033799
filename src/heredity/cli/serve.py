"""``heredity serve``: the registry as a team service (the JSON API, authenticated)."""

from __future__ import annotations

import os
import secrets

import typer

from heredity.cli._app import app, console, state, styled
from heredity.errors import BadInput


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    port: int = typer.Option(8000, "--port", help="port to listen on"),
    workers: int = typer.Option(
        1, "--workers", help="worker processes (stateless; PostgreSQL for more than one)"
    ),
    trusted_proxy: list[str] = typer.Option(
        [],
        "--trusted-proxy",
        help="address or network of a reverse proxy whose user header names the caller "
        "(repeatable); from anywhere else that header is refused",
    ),
    user_header: str = typer.Option(
        "X-Forwarded-User", "--proxy-user-header", help="the trusted proxy's user header"
    ),
    max_body: int = typer.Option(
        16 * 1024 * 1024, "--max-body", help="largest request body in bytes (413 above it)"
    ),
) -> None:
    """Serve the registry (--db) over HTTP: every request but GET /health needs an API token
    (heredity token issue) and acts as its actor, under the library's role checks."""
    import uvicorn

    from heredity.server import (
        ENV_MAX_BODY,
        ENV_PROXIES,
        ENV_SESSION_SECRET,
        ENV_USER_HEADER,
        create_app,
    )

    if not 1 <= port <= 65535:
        raise BadInput("--port: must be between 1 and 65535", param="port")
    if workers < 1:
        raise BadInput("--workers: must be 1 or more", param="workers")
    # Fail before listening: a missing registry, a bad proxy address or limit is exit 2.
    probe = create_app(
        state.db, trusted_proxies=trusted_proxy, user_header=user_header, max_body=max_body
    )
    shown = probe.state.heredity.registry.url
    probe.state.heredity.registry.close()
    if state.db:
        os.environ["HEREDITY_DB"] = state.db
    os.environ[ENV_PROXIES] = ",".join(trusted_proxy)
    os.environ[ENV_USER_HEADER] = user_header
    os.environ[ENV_MAX_BODY] = str(max_body)
    # Every worker signs the UI's session cookies with one key (random unless configured).
    os.environ.setdefault(ENV_SESSION_SECRET, secrets.token_urlsafe(32))
    console.print(
        styled("serving ", (shown, "bold"), f" on http://{host}:{port} ({workers} worker(s))")
    )
    uvicorn.run(
        "heredity.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_keep_alive=5,
        server_header=False,
    )
