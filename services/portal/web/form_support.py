"""What every page of the form needs: the web UI, the signed-in applicant (authorised exactly as
the API authorises the same bearer token), the use cases, and the applicant's own documents (for
the slots, and the file behind a preview or a link)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from services.portal.api.deps import PortalContext, current_user
from services.portal.db.repositories import own_documents as own_document_rows
from services.portal.db.repositories import user_by_id
from services.portal.usecases import PortalUseCases
from services.portal.usecases.common import utc
from services.portal.web.form_view import DocInfo
from shared.database import read_session
from shared.exceptions import Unauthenticated
from shared.web import LoginRequired, WebUI

# Where a submitted application is shown next: the application's own page.
APPLICATION_PAGE = "/permohonan/{id}"
# The form's texts (``form.*``), beside the portal's own catalogue (messages/id.json).
FORM_TEXTS = Path(__file__).parent / "messages" / "form.id.json"


@dataclass
class FormPages:
    ui: WebUI
    portal: PortalContext
    user_id: str
    docs: dict[str, DocInfo] = field(default_factory=dict)

    @property
    def uc(self) -> PortalUseCases:
        return self.portal.usecases

    def t(self, key: str, /, **fields: Any) -> str:
        return self.ui.t(key, **fields)

    def not_found(self, request: Request) -> Response:
        return self.ui.render(request, "error.html", status_code=404, title=self.t("galat.tidak_ditemukan_judul"),
                              message=self.t("galat.tidak_ditemukan"))


async def pages(request: Request) -> FormPages:
    """The form's context for a signed-in applicant; else :class:`LoginRequired` (to the login page)."""
    ui: WebUI = request.app.state.web_ui
    portal: PortalContext = request.app.state.portal
    merge_catalogue(request.app)
    token = ui.token(request)
    if not token:
        raise LoginRequired()
    try:
        user = await current_user(token, portal)
    except Unauthenticated as exc:
        raise LoginRequired() from exc
    return FormPages(ui=ui, portal=portal, user_id=user.id)


async def own_documents(p: FormPages) -> dict[str, DocInfo]:
    async with read_session(p.portal.runtime.sessions) as s:
        rows = await own_document_rows(s, p.user_id)
    return {i: DocInfo(id=d.id, kind=d.kind, content_type=d.content_type, size=d.size, created_at=utc(d.created_at))
            for i, d in rows.items()}


async def account_defaults(p: FormPages) -> dict[str, str]:
    """What the account already says (name, email, phone): the personal step's first values."""
    async with read_session(p.portal.runtime.sessions) as s:
        user = await user_by_id(s, p.user_id)
    if user is None:
        return {}
    return {"full_name": f"{user.first_name} {user.last_name}".strip(), "email": user.email, "phone": user.phone or ""}


async def own_document(p: FormPages, document_id: str) -> tuple[bytes, str] | None:
    """The bytes and type of one of the applicant's own documents (another's is not found)."""
    async with read_session(p.portal.runtime.sessions) as s:
        rows = await own_document_rows(s, p.user_id)
    doc = rows.get(document_id)
    store = p.uc.documents.store
    if doc is None or not store.exists(doc.sha256):
        return None
    return await store.get(doc.sha256), doc.content_type


def after_submit(application_id: str) -> str:
    """The application's own page (applicant_routes), where its status and next step show."""
    return APPLICATION_PAGE.format(id=application_id)


def merge_catalogue(app: Any) -> None:
    """The form's texts (``form.*``, ``messages/form.id.json``) into the portal's catalogue; the
    portal's own keys win."""
    ui: WebUI | None = getattr(app.state, "web_ui", None)
    if ui is None or getattr(ui, "_form_texts", False):
        return
    for key, text in _flatten(json.loads(FORM_TEXTS.read_text(encoding="utf-8"))).items():
        ui.catalogue.messages.setdefault(key, text)
    ui._form_texts = True  # type: ignore[attr-defined]


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out
