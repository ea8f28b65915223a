"""Serving the HTTP API with uvicorn; settings travel in environment variables so that
every worker process builds the same app."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from layout.api import DEFAULT_BODY_LIMIT, create_app

ENV_RULES_DIR = "LAYOUT_SERVE_RULES_DIR"
ENV_BODY_LIMIT = "LAYOUT_SERVE_BODY_LIMIT"
ENV_ECHO = "LAYOUT_SERVE_ECHO"


def app_from_env() -> FastAPI:
    """The app factory uvicorn calls in each worker."""
    rules_dir = os.environ.get(ENV_RULES_DIR)
    return create_app(
        rules_dir=Path(rules_dir) if rules_dir else None,
        development=os.environ.get("LAYOUT_DEV") == "1",
        body_limit=int(os.environ.get(ENV_BODY_LIMIT, DEFAULT_BODY_LIMIT)),
        echo=os.environ.get(ENV_ECHO) == "1",
    )


def serve(
    host: str,
    port: int,
    workers: int,
    rules_dir: Path | None,
    *,
    development: bool,
    body_limit: int,
    echo: bool,
) -> None:
    """Check the settings by building the app once, then run uvicorn."""
    import uvicorn

    if rules_dir is not None:
        os.environ[ENV_RULES_DIR] = str(rules_dir.resolve())
    os.environ[ENV_BODY_LIMIT] = str(body_limit)
    os.environ[ENV_ECHO] = "1" if echo else "0"
    if development:
        os.environ["LAYOUT_DEV"] = "1"
    app_from_env()  # raises ConfigError (missing meter secret, broken default) before binding
    uvicorn.run(
        "layout.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )
