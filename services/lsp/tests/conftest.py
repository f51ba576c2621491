from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from services.lsp.tests.support import ELIGIBILITY_PATH, SIKI_URL, eligible


@pytest.fixture
def siki_router() -> Iterator[respx.MockRouter]:
    """SIKI as the LSP calls it: report_status answering 200 and check_application_eligibility
    answering eligible, unless a test says otherwise."""
    with respx.mock(base_url=SIKI_URL, assert_all_called=False) as mock:
        route = mock.post(path__regex=r"^/api/v1/applications/[^/]+/status$", name="report_status")
        route.return_value = httpx.Response(200, json={"ok": True})
        mock.get(path__regex=ELIGIBILITY_PATH, name="check_application_eligibility").mock(side_effect=eligible)
        mock.put(path__regex=r"^/api/v1/applications/[^/]+/forms$", name="submit_application_forms").mock(
            return_value=httpx.Response(200, json={"ok": True}))
        yield mock


@pytest.fixture
def siki(siki_router: respx.MockRouter) -> respx.Route:
    """SIKI's report_status, answering 200 unless a test says otherwise."""
    return siki_router["report_status"]


@pytest.fixture
def eligibility(siki_router: respx.MockRouter) -> respx.Route:
    """SIKI's check_application_eligibility, answering eligible unless a test says otherwise."""
    return siki_router["check_application_eligibility"]
