"""What the routes depend on. app.py binds these per app (several apps may share a process):
they are read from ``app.state``, with async providers so that no request hops to a thread.
(``dependency_overrides`` would do the same but makes FastAPI re-inspect the provider's
signature on every request.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from services.siki.settings import SikiSettings
from services.siki.usecases.context import SikiContext


async def siki_context(request: Request) -> SikiContext:
    siki: SikiContext = request.app.state.siki_context
    return siki


async def siki_settings(request: Request) -> SikiSettings:
    settings: SikiSettings = request.app.state.siki_settings
    return settings


SikiDep = Annotated[SikiContext, Depends(siki_context)]
SettingsDep = Annotated[SikiSettings, Depends(siki_settings)]


def bind(app: FastAPI, siki: SikiContext, settings: SikiSettings) -> None:
    app.state.siki_context = siki
    app.state.siki_settings = settings
