"""SIKI's HTTP API: thin routes (parse, authorise, call one use case, answer)."""

from __future__ import annotations

from fastapi import APIRouter

from services.siki.api import applications, forms, lsps, nik_bindings, refused_reports, skk, webhooks

router = APIRouter()
for _module in (applications, forms, lsps, nik_bindings, refused_reports, skk, webhooks):
    router.include_router(_module.router)
