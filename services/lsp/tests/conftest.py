from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from services.lsp.tests.support import SIKI_URL


@pytest.fixture
def siki() -> Iterator[respx.Route]:
    """SIKI's report_status, answering 200 unless a test says otherwise."""
    with respx.mock(base_url=SIKI_URL, assert_all_called=False) as mock:
        route = mock.post(path__regex=r"^/api/v1/applications/[^/]+/status$", name="report_status")
        route.return_value = httpx.Response(200, json={"ok": True})
        yield route
