"""SIKI's HTTP API: thin routes (parse, authorise, call one use case, answer)."""

from __future__ import annotations

from fastapi import APIRouter

from services.siki.api import applications, lsps, nik_bindings, skk, webhooks

router = APIRouter()
for _module in (applications, lsps, nik_bindings, skk, webhooks):
    router.include_router(_module.router)
