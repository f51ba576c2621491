from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.portal.tests.factories import Portal, portal_settings, running_portal


@pytest.fixture
async def portal(tmp_path: Path, sqlite_url: str) -> AsyncIterator[Portal]:
    async with running_portal(portal_settings(tmp_path, sqlite_url)) as p:
        yield p


@pytest.fixture
async def applicant(portal: Portal) -> dict[str, str]:
    return await portal.applicant()
