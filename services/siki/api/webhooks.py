"""The webhook delivery log and redelivery (operators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.siki.api.auth import Operator
from services.siki.api.deps import SikiDep
from services.siki.usecases import deliveries, queries
from shared.contracts.siki import DeliveryStatus, WebhookDeliveryOut
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["webhooks"])


@router.get("/webhook-deliveries", operation_id="list_webhook_deliveries", response_model=list[WebhookDeliveryOut],
            responses=PROBLEM_RESPONSES)
async def list_webhook_deliveries(siki: SikiDep, _: Operator, application_id: str | None = None,
                                  lsp_code: str | None = None, status: DeliveryStatus | None = None,
                                  limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[WebhookDeliveryOut]:
    return await queries.list_deliveries(siki, application_id=application_id, lsp_code=lsp_code, status=status,
                                         limit=limit)


@router.post("/webhook-deliveries/{delivery_id}/redeliver", operation_id="redeliver_webhook", status_code=202,
             response_model=WebhookDeliveryOut, responses=PROBLEM_RESPONSES)
async def redeliver_webhook(delivery_id: str, siki: SikiDep, _: Operator) -> WebhookDeliveryOut:
    """Send a dead (or failing) delivery again, same ``webhook-id``, a fresh round of attempts."""
    return await deliveries.redeliver(siki, delivery_id)
