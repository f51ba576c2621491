"""What the routes depend on. app.py binds these per app (several apps may share a process),
with async providers so that no request hops to a thread for them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI

from services.siki.settings import SikiSettings
from services.siki.usecases.context import SikiContext


def siki_context() -> SikiContext:
    raise RuntimeError("not bound: services.siki.app.create_app binds the use cases' context")


def siki_settings() -> SikiSettings:
    raise RuntimeError("not bound: services.siki.app.create_app binds the settings")


SikiDep = Annotated[SikiContext, Depends(siki_context)]
SettingsDep = Annotated[SikiSettings, Depends(siki_settings)]


def bind(app: FastAPI, siki: SikiContext, settings: SikiSettings) -> None:
    async def context() -> SikiContext:
        return siki

    async def configured() -> SikiSettings:
        return settings

    app.dependency_overrides[siki_context] = context
    app.dependency_overrides[siki_settings] = configured
