"""How the LSP's staff see applications (``get_application``, ``list_applications``): admins and
the komite see every application, an assessor only those assigned to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application, Assessment
from services.lsp.db.views import ApplicationParts, application_with_parts
from services.lsp.domain.pkb import DEFAULT_PKB_MINIMUMS, parse_minimums, pkb_minimum
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.staff import StaffPrincipal, audit_view
from shared.contracts.kinds import PKB_DOCUMENT_KIND
from shared.contracts.states import ApplicationStatus
from shared.database import read_session
from shared.exceptions import Forbidden, NotFound


def sees_everything(staff: StaffPrincipal) -> bool:
    # The manager reads too: overdue appeals are flagged to them (``flag=appeal_overdue``).
    return staff.has("admin") or staff.has("komite") or staff.has("manajer")


async def may_see(session: AsyncSession, staff: StaffPrincipal, app: Application) -> None:
    if sees_everything(staff):
        return
    assigned = (await session.execute(
        select(Assessment.id).where(Assessment.application_id == app.id,
                                    Assessment.assessor_username == staff.username)
    )).first()
    if assigned is None:
        raise Forbidden("an assessor sees only the applications assigned to them")


async def list_applications(ctx: LspContext, staff: StaffPrincipal, status: ApplicationStatus | None,
                            limit: int, offset: int, *, flag: str | None = None) -> dict[str, Any]:
    conditions = []
    if status is not None:
        conditions.append(Application.status == status.value)
    if flag == "appeal_overdue":  # flagged by the deadline sweep and still waiting for the komite
        conditions.append(Application.appeal_overdue_at.is_not(None))
        conditions.append(Application.status == ApplicationStatus.APPEALED.value)
    if not sees_everything(staff):
        conditions.append(Application.id.in_(
            select(Assessment.application_id).where(Assessment.assessor_username == staff.username)))
    query = select(Application).where(*conditions).order_by(Application.submitted_at.desc(), Application.id)
    async with read_session(ctx.sessions) as session:
        rows = (await session.execute(query.limit(limit).offset(offset))).scalars().all()
        total = await session.scalar(select(func.count()).select_from(Application).where(*conditions))
    return {"items": [application_summary(a) for a in rows], "limit": limit, "offset": offset,
            "total": int(total or 0)}


async def get_application(ctx: LspContext, staff: StaffPrincipal, application_id: str) -> dict[str, Any]:
    """The whole application, personal data included: the view is recorded in the audit log
    before it is answered (no record, no view). The read needs no transaction, and the record is
    one statement of its own: two round trips on PostgreSQL where BEGIN, the read, the record and
    COMMIT were four."""
    async with read_session(ctx.sessions) as session:
        found = await application_with_parts(session, application_id)
        if found is None:
            raise NotFound(f"application {application_id!r} not found")
        app, parts = found
        await may_see(session, staff, app)
        view = application_view(app, parts, ctx.settings.pkb_minimum_table)
    await audit_view(ctx, staff, "application.viewed", application_id=app.id,
                     detail={"parts": ["personal", "sections", "documents"]})
    return view


def application_summary(app: Application) -> dict[str, Any]:
    return {
        "id": app.id,
        "status": app.status,
        "full_name": app.full_name,
        "jabatan_kerja_code": app.jabatan_kerja_code,
        "kualifikasi": app.kualifikasi,
        "jenjang": app.jenjang,
        "submitted_at": app.submitted_at,
        "updated_at": app.updated_at,
        "precheck_passed": (app.precheck or {}).get("passed"),
        "appeal_overdue_at": app.appeal_overdue_at,
        "application_kind": app.application_kind,
        "previous_skk_number": app.previous_skk_number,
    }


def kind_view(app: Application, pkb_minimums: Mapping[int, int]) -> dict[str, Any]:
    """A renewal's or a change's particulars: the held SKK, the PKB credits against the minimum,
    the changed fields with their old (as this LSP issued them, if it did) and new values."""
    personal = app.sections.get("personal") or {}
    changed = list(app.changed_fields or [])
    return {
        "previous_skk_number": app.previous_skk_number,
        "previous_certificate": app.previous_certificate,
        "pkb_credits": app.pkb_credits,
        "pkb_minimum": pkb_minimum(app.application_kind, app.kualifikasi, app.jenjang, pkb_minimums),
        "pkb_document": any(d.get("kind") == PKB_DOCUMENT_KIND for d in app.documents or []),
        "changes": [
            {"field": f, "old": (app.previous_values or {}).get(f),
             "new": str(personal.get(f) or (app.full_name if f == "full_name" else "") or "") or None}
            for f in changed
        ],
    }


def application_view(app: Application, parts: ApplicationParts,
                     pkb_minimums: Mapping[int, int] | None = None) -> dict[str, Any]:
    """The staff view of ``app`` with its child rows (read with it: services/lsp/db/views.py)."""
    return {
        "id": app.id,
        "status": app.status,
        "lsp_code": app.lsp_code,
        "submission_no": app.submission_no,
        "applicant": {"user_id": app.applicant_user_id, "email": app.email, "full_name": app.full_name},
        "nik": app.nik,
        "klasifikasi_code": app.klasifikasi_code,
        "subklasifikasi_code": app.subklasifikasi_code,
        "kualifikasi": app.kualifikasi,
        "jabatan_kerja_code": app.jabatan_kerja_code,
        "jenjang": app.jenjang,
        "application_kind": app.application_kind,
        **kind_view(app, pkb_minimums if pkb_minimums is not None else parse_minimums(DEFAULT_PKB_MINIMUMS)),
        "tuk_code": app.tuk_code,
        "submitted_at": app.submitted_at,
        "sections": app.sections,
        "documents": app.documents,
        "precheck": app.precheck,
        "eligibility": app.eligibility,
        "requirements_override": app.requirements_override,
        "apl01": {
            "recommendation": app.apl01_recommendation,
            "signed_by": app.apl01_signed_by,
            "signed_at": app.apl01_signed_at,
            "reasons": app.return_reasons or [],
        },
        "invoice": parts.invoice,
        "payment": {
            "proof_no": app.payment_proof_no,
            "proof": app.payment_proof,
            "verified_by": app.payment_verified_by,
            "reasons": app.payment_reasons or [],
        },
        "certification_started_at": app.certification_started_at,
        "assessments": parts.assessments,
        "decision": {"result": app.result, "decided_by": app.decided_by, "decided_at": app.decided_at},
        "appeal": {
            "reason": app.appeal_reason, "filed_at": app.appeal_filed_at, "decision": app.appeal_decision,
            "decided_by": app.appeal_decided_by, "decided_at": app.appeal_decided_at,
            "overdue_at": app.appeal_overdue_at,
        },
        "certificate": app.certificate,
        "certificate_status": app.certificate_status,
        "timeline": parts.timeline,
        "reports": parts.reports,
    }
