"""Builds the FastAPI application; uvicorn calls `create_app` as a factory."""

from __future__ import annotations

from typing import Literal

from fastapi import FastAPI
from pydantic import BaseModel


class Health(BaseModel):
    status: Literal["ok"]


def create_app() -> FastAPI:
    """A new application instance; nothing is connected at import time."""
    app = FastAPI(title="union-ledger", version="0.1.0")

    @app.get("/health", tags=["health"])
    def health() -> Health:
        return Health(status="ok")

    return app
