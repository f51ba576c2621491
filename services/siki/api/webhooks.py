"""The webhook delivery log and redelivery (operators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.siki.api.auth import DeliveriesOperator
from services.siki.api.deps import SikiDep
from services.siki.usecases import deliveries, queries
from shared.contracts.siki import DeliveryStatus, WebhookDeliveryOut
from shared.errors import PROBLEM_RESPONSES
from shared.paging import DEFAULT_LIMIT, TOTAL_COUNT_RESPONSE, Limit, Offset, set_total

router = APIRouter(tags=["webhooks"])


@router.get("/webhook-deliveries", operation_id="list_webhook_deliveries", response_model=list[WebhookDeliveryOut],
            responses={**PROBLEM_RESPONSES, **TOTAL_COUNT_RESPONSE})
async def list_webhook_deliveries(siki: SikiDep, _: DeliveriesOperator, response: Response,
                                  application_id: Annotated[str | None, Query(max_length=64)] = None,
                                  lsp_code: Annotated[str | None, Query(max_length=40)] = None,
                                  status: DeliveryStatus | None = None, limit: Limit = DEFAULT_LIMIT,
                                  offset: Offset = 0) -> list[WebhookDeliveryOut]:
    """Newest first, one page at a time; ``X-Total-Count`` says how many deliveries match."""
    items, total = await queries.list_deliveries(siki, application_id=application_id, lsp_code=lsp_code,
                                                 status=status, limit=limit, offset=offset)
    set_total(response, total)
    return items


@router.post("/webhook-deliveries/{delivery_id}/redeliver", operation_id="redeliver_webhook", status_code=202,
             response_model=WebhookDeliveryOut, responses=PROBLEM_RESPONSES)
async def redeliver_webhook(delivery_id: str, siki: SikiDep, caller: DeliveriesOperator) -> WebhookDeliveryOut:
    """Send a dead (or failing) delivery again, same ``webhook-id``, a fresh round of attempts."""
    return await deliveries.redeliver(siki, delivery_id, actor=caller.actor)
