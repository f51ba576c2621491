"""SIKI's lists are capped and paged in the query: the LSP registry and the delivery log."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from services.siki.db.models import WebhookDelivery
from services.siki.tests.conftest import running
from shared.bus import utcnow


async def _deliveries(h: Any, n: int, lsp_code: str = "LSP-A") -> list[str]:
    start, ids = utcnow(), []
    async with h.runtime.sessions() as s, s.begin():
        for i in range(n):
            ids.append(str(uuid.uuid4()))
            # Delivered already: the delivery worker leaves them alone.
            s.add(WebhookDelivery(id=ids[-1], dedupe_key=f"paging:{ids[-1]}", application_id=f"app-{i}",
                                  lsp_code=lsp_code, type="application.submitted", body="{}", status="delivered",
                                  attempt_count=1, redeliveries=0, created_at=start + timedelta(seconds=i),
                                  delivered_at=start + timedelta(seconds=i)))
    return ids


async def test_the_delivery_log_is_capped_and_paged(make_settings: Any) -> None:
    async with running(make_settings()) as h:
        ids = await _deliveries(h, 8)
        await _deliveries(h, 2, lsp_code="LSP-B")

        too_big = await h.client.get("/api/v1/webhook-deliveries", params={"limit": 10_000}, headers=h.operator)
        assert too_big.status_code == 422 and too_big.json()["field"] == "limit"
        huge = await h.client.get("/api/v1/webhook-deliveries", params={"offset": 2**63}, headers=h.operator)
        assert huge.status_code == 422 and huge.json()["field"] == "offset"

        params: dict[str, Any] = {"lsp_code": "LSP-A", "limit": 5}
        page = await h.client.get("/api/v1/webhook-deliveries", params=params, headers=h.operator)
        assert page.status_code == 200
        assert [d["id"] for d in page.json()] == ids[::-1][:5]  # newest first
        assert page.headers["X-Total-Count"] == "8"  # the filter counts, not the whole log
        rest = await h.client.get("/api/v1/webhook-deliveries", params={**params, "offset": 5}, headers=h.operator)
        assert [d["id"] for d in rest.json()] == ids[::-1][5:]


async def test_the_lsp_registry_is_capped_and_paged(make_settings: Any) -> None:
    async with running(make_settings()) as h:
        too_big = await h.client.get("/api/v1/lsps", params={"limit": 201}, headers=h.operator)
        assert too_big.status_code == 422 and too_big.json()["field"] == "limit"
        everything = await h.client.get("/api/v1/lsps", headers=h.operator)
        total = int(everything.headers["X-Total-Count"])
        assert total == len(everything.json()) >= 2
        one = await h.client.get("/api/v1/lsps", params={"limit": 1, "offset": 1}, headers=h.portal)
        assert [x["code"] for x in one.json()] == [everything.json()[1]["code"]]
        assert one.headers["X-Total-Count"] == str(total)
