"""Operator pages for the webhook pipeline (role ``deliveries``, as on the API): the delivery log
with each attempt and redelivery, the dead letters (dead deliveries, and events parked in the bus's
dead-letter queues of SIKI's consumers), and the status reports SIKI refused for good."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from services.siki.domain.webhooks import REDELIVERABLE
from services.siki.events import SIKI_QUEUE, WEBHOOK_QUEUE
from services.siki.usecases import deliveries, queries, refused_reports
from services.siki.web.common import PAGE_SIZE, actor, render, safe_next, signed_in, siki_of, ui_of
from shared.contracts.siki import DeliveryStatus, RefusedReportResolution, RefusedReportState
from shared.exceptions import Conflict, NotFound
from shared.web import WebUI

router = APIRouter(include_in_schema=False)
DELIVERIES = "deliveries"
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Text = Annotated[str | None, Query(max_length=64)]
DELIVERY_STATUSES: tuple[str, ...] = get_args(DeliveryStatus)
REPORT_STATES: tuple[str, ...] = get_args(RefusedReportState)


def _choice(value: str | None, allowed: tuple[str, ...]) -> Any:
    return value if value in allowed else None


@router.get("/pengiriman", response_class=HTMLResponse)
async def deliveries_page(request: Request, status: Text = None, lsp_code: Text = None,
                          application_id: Text = None, offset: Offset = 0) -> HTMLResponse:
    operator = await signed_in(request, DELIVERIES)
    filters = {"status": _choice(status, DELIVERY_STATUSES), "lsp_code": lsp_code or None,
               "application_id": application_id or None}
    items, total = await queries.list_deliveries(siki_of(request), limit=PAGE_SIZE, offset=offset, **filters)
    return render(request, "pengiriman.html", operator, title=ui_of(request).t("siki.pengiriman.judul"),
                  deliveries=items, total=total, offset=offset, page_size=PAGE_SIZE,
                  form={k: v or "" for k, v in filters.items()}, statuses=DELIVERY_STATUSES,
                  redeliverable=REDELIVERABLE)


@router.post("/pengiriman/{delivery_id}/kirim-ulang")
async def redeliver(request: Request, delivery_id: str) -> Response:
    ui = ui_of(request)
    form = await ui.check_csrf(request)
    operator = await signed_in(request, DELIVERIES)
    back = safe_next(form.get("next"), "/pengiriman")
    response = ui.redirect(back)
    try:
        await deliveries.redeliver(siki_of(request), delivery_id[:64], actor=actor(operator, request))
    except NotFound:
        return ui.flash(response, ui.t("siki.pengiriman.tidak_ada"), "error")
    except Conflict as exc:
        status = str(exc.extra.get("current_status", ""))
        return ui.flash(response, ui.t("siki.pengiriman.tidak_bisa", status=_label(ui, status)), "error")
    return ui.flash(response, ui.t("siki.pengiriman.dikirim_ulang", id=delivery_id), "success")


@router.get("/surat-mati", response_class=HTMLResponse)
async def dead_letters_page(request: Request, offset: Offset = 0) -> HTMLResponse:
    operator = await signed_in(request, DELIVERIES)
    dead, total = await queries.list_deliveries(siki_of(request), status="dead", limit=PAGE_SIZE, offset=offset)
    bus = request.app.state.runtime.bus
    parked = {queue: await bus.dead_letter_records(queue) for queue in (SIKI_QUEUE, WEBHOOK_QUEUE)}
    return render(request, "surat_mati.html", operator, title=ui_of(request).t("siki.surat_mati.judul"),
                  deliveries=dead, total=total, offset=offset, page_size=PAGE_SIZE, parked=parked,
                  redeliverable=REDELIVERABLE)


@router.get("/laporan-ditolak", response_class=HTMLResponse)
async def refused_reports_page(request: Request, state: Text = "open", lsp_code: Text = None,
                               application_id: Text = None, offset: Offset = 0) -> HTMLResponse:
    operator = await signed_in(request, DELIVERIES)
    chosen = _choice(state, REPORT_STATES)
    items, total = await refused_reports.list_refused(siki_of(request), application_id=application_id or None,
                                                      lsp_code=lsp_code or None, state=chosen,
                                                      limit=PAGE_SIZE, offset=offset)
    return render(request, "laporan_ditolak.html", operator, title=ui_of(request).t("siki.laporan.judul"),
                  reports=items, total=total, offset=offset, page_size=PAGE_SIZE, states=REPORT_STATES,
                  form={"state": chosen or "", "lsp_code": lsp_code or "", "application_id": application_id or ""})


@router.post("/laporan-ditolak/{report_id}/penyelesaian")
async def resolve_report(request: Request, report_id: str) -> Response:
    ui = ui_of(request)
    form = await ui.check_csrf(request)
    operator = await signed_in(request, DELIVERIES)
    response = ui.redirect(safe_next(form.get("next"), "/laporan-ditolak"))
    try:
        body = RefusedReportResolution(resolution=str(form.get("resolution") or ""),  # type: ignore[arg-type]
                                       note=str(form.get("note") or "").strip())
    except ValidationError as exc:
        fields = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        key = "siki.laporan.catatan_wajib" if "note" in fields else "siki.laporan.pilihan_salah"
        return ui.flash(response, ui.t(key), "error")
    try:
        await refused_reports.resolve(siki_of(request), report_id[:64], body, actor=actor(operator, request))
    except NotFound:
        return ui.flash(response, ui.t("siki.laporan.tidak_ada"), "error")
    except Conflict as exc:
        state = exc.extra.get("current_state")
        message = (ui.t("siki.laporan.sudah", state=ui.t(f"siki.laporan.state.{state}")) if state
                   else ui.t("siki.laporan.tidak_berlaku"))
        return ui.flash(response, message, "error")
    return ui.flash(response, ui.t(f"siki.laporan.berhasil.{body.resolution}", id=report_id), "success")


def _label(ui: WebUI, status: str) -> str:
    key = f"siki.pengiriman.status.{status}"
    return ui.t(key) if key in ui.catalogue else status
