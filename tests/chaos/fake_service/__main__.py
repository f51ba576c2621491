"""A service as small as can be, shaped like services/<name>/__main__.py (its ``serve()``
calls ``uvicorn.run(app, host=..., port=...)``): for the replica launcher's test."""

from __future__ import annotations

import os

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/pid")
async def pid() -> dict[str, int]:
    return {"pid": os.getpid()}


@app.get("/readyz")
async def readyz() -> dict[str, str]:
    return {"status": "ready"}


def serve() -> None:
    uvicorn.run(app, host="127.0.0.1", port=1, log_config=None, access_log=False)  # port 1: must not be bound
