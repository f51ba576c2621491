"""The applicant's seven-step application form (seed steps 3-4): a new application, each step
saved as a draft (POST, then redirect), its uploads, the summary with the completeness of each
section, and the submission. Pages call the portal's use cases directly, as the API does.

URLs: ``GET/POST /permohonan/baru``; ``GET/POST /permohonan/{id}/langkah/{1..7}``;
``GET /permohonan/{id}/ringkasan``; ``POST /permohonan/{id}/ajukan``; ``POST /permohonan/dokumen``
(one file by XHR, answered in JSON: form.js); ``GET /permohonan/dokumen/{doc_id}`` (the owner's
file, for the preview and the link)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import FormData, UploadFile

from services.portal.domain.applications import EDITABLE
from services.portal.domain.sections import ITEM_SECTIONS, NON_EMPTY_SECTIONS
from services.portal.usecases.views import ApplicationOut
from services.portal.web.form_fields import (
    MAX_ITEMS,
    STEPS,
    document_slots,
    form_values,
    payload_from_form,
    remove_item,
    values_of,
)
from services.portal.web.form_messages import error_text, refusal_label
from services.portal.web.form_support import (
    FormPages,
    account_defaults,
    after_submit,
    merge_catalogue,
    own_document,
    own_documents,
    pages,
)
from services.portal.web.form_view import DOC_PREFIX, holders, rendered_fields, section_state, states
from shared.errors import DEFAULT_STATUSES, status_of
from shared.exceptions import DomainError, NotFound
from shared.http_surface import allow_uploads
from shared.web import problem_errors

router = APIRouter(include_in_schema=False)
STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/portal-static"
# Files one save of a step may carry (the step's own POST); more by form.js, one at a time.
FILES_PER_SAVE = 8


def install_form(app: FastAPI) -> None:
    """The form's pages, its script and style (``/portal-static``), and the uploads' body limits."""
    app.include_router(router)
    merge_catalogue(app)
    app.mount(STATIC_URL, StaticFiles(directory=str(STATIC_DIR)), name="portal-static")
    max_bytes = app.state.portal.settings.max_upload_bytes
    allow_uploads(app, max_bytes * FILES_PER_SAVE, "web_form_step")
    allow_uploads(app, max_bytes, "web_form_upload")


def _step_url(application_id: str, step: int) -> str:
    return f"/permohonan/{application_id}/langkah/{step}"


def _step_number(step: str) -> int | None:
    """1..7, or None (the page is then not found)."""
    return int(step) if step.isdigit() and 1 <= int(step) <= len(STEPS) else None


@router.get("/permohonan/baru")
async def new_page(request: Request, jenis: str = "baru", skk: str = "") -> Response:
    """A new application; ``?jenis=perpanjangan&skk=...`` (the expiry reminder's link, the
    dashboard's buttons) starts the renewal or change of that SKK."""
    p = await pages(request)
    kind = jenis if jenis in ("perpanjangan", "perubahan") and skk else "baru"
    title = p.t(f"form.new_title_{kind}", skk=skk) if kind != "baru" else p.t("form.new_title")
    return p.ui.render(request, "form/new.html", title=title, kind=kind, skk=skk if kind != "baru" else "")


@router.post("/permohonan/baru")
async def create(request: Request) -> Response:
    p = await pages(request)
    form = await p.ui.check_csrf(request)
    kind, skk = str(form.get("jenis") or "baru"), str(form.get("skk") or "").strip() or None
    try:
        app = await p.uc.applications.create(p.user_id, kind, skk if kind != "baru" else None)
    except DomainError as exc:
        # Not the user's SKK, revoked, not yet in the window...: said on the dashboard.
        message = next(iter(problem_errors(exc).values()), exc.detail)
        return p.ui.flash(p.ui.redirect("/dasbor"), error_text(message, p.t), "error")
    return p.ui.redirect(_step_url(app.id, 1))


async def _application(p: FormPages, request: Request, application_id: str) -> ApplicationOut | Response:
    try:
        return await p.uc.applications.get(p.user_id, application_id)
    except NotFound:
        return p.not_found(request)


def _step_page(p: FormPages, request: Request, app: ApplicationOut, step: int, values: dict[str, str], count: int,
               errors: dict[str, str], status_code: int = 200) -> Response:
    section = STEPS[step - 1]
    stored = app.sections.get(section)
    hs = holders(section, values, count, p.docs, p.t, app.application_kind)
    placed = rendered_fields(hs)
    shown = {f: error_text(m, p.t) for f, m in errors.items()}
    others = [(refusal_label(f, p.t), m) for f, m in shown.items() if f not in placed]
    return p.ui.render(
        request, "form/step.html", status_code=status_code, title=p.t(f"form.section.{section}"),
        application=app, step=step, section=section, holders=hs, errors=shown, other_errors=others,
        states=states(app.sections, app.id, p.t), state=section_state(section, stored, app.id, p.t),
        items=section in ITEM_SECTIONS, count=count, max_items=MAX_ITEMS, editable=app.status in EDITABLE,
        doc_prefix=DOC_PREFIX, static_url=STATIC_URL, steps=len(STEPS),
    )


@router.get("/permohonan/{application_id}/langkah/{step}")
async def step_page(request: Request, application_id: str, step: str) -> Response:
    p = await pages(request)
    n = _step_number(step)
    if n is None:
        return p.not_found(request)
    app = await _application(p, request, application_id)
    if isinstance(app, Response):
        return app
    section = STEPS[n - 1]
    values, count = values_of(section, app.sections.get(section), app.application_kind)
    if section in NON_EMPTY_SECTIONS and count == 0:
        count = 1  # one empty item to start with
    if section == "personal" and section not in app.sections:
        values.update({k: v for k, v in (await account_defaults(p)).items() if v})
    p.docs = await own_documents(p)
    return _step_page(p, request, app, n, values, count, {})


def _posted(section: str, form: FormData, kind: str) -> tuple[dict[str, str], int]:
    """The posted values by path inside the section (``nik``, ``items.0.position``)."""
    prefix = section + "."
    plain = {k.removeprefix(prefix): v for k, v in form.multi_items()
             if isinstance(v, str) and k.startswith(prefix)}
    plain.update({k.removeprefix(DOC_PREFIX + prefix): v for k, v in form.multi_items()
                  if isinstance(v, str) and k.startswith(DOC_PREFIX + prefix)})
    count = form.get("count")
    plain["count"] = count if isinstance(count, str) else "0"
    return form_values(section, plain, kind)


async def _upload_files(p: FormPages, section: str, form: FormData, values: dict[str, str],
                        count: int, application_kind: str) -> dict[str, str]:
    """Keep each file chosen in the n's own POST; its id goes into the slot. Errors by field."""
    errors: dict[str, str] = {}
    for path, kind in document_slots(section, count, application_kind):
        upload = form.get(f"{section}.{path}")
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        try:
            doc = await p.uc.documents.upload(p.user_id, kind, upload)
        except DomainError as exc:
            errors[f"{section}.{path}"] = next(iter(problem_errors(exc).values()), exc.detail)
            continue
        values[path] = doc.id
    return errors


@router.post("/permohonan/{application_id}/langkah/{step}", operation_id="web_form_step")
async def step_save(request: Request, application_id: str, step: str) -> Response:
    p = await pages(request)
    form = await p.ui.check_csrf(request)
    n = _step_number(step)
    if n is None:
        return p.not_found(request)
    app = await _application(p, request, application_id)
    if isinstance(app, Response):
        return app
    section = STEPS[n - 1]
    values, count = _posted(section, form, app.application_kind)
    errors = await _upload_files(p, section, form, values, count, app.application_kind)
    action = str(form.get("aksi") or "simpan")
    if action == "tambah" and section in ITEM_SECTIONS:
        count = min(count + 1, MAX_ITEMS)
    elif action.startswith("hapus:") and action[6:].isdigit():
        values, count = remove_item(section, values, count, int(action[6:]))
    p.docs = await own_documents(p)
    if errors:
        return _step_page(p, request, app, n, values, count, errors, 422)
    payload = payload_from_form(section, {**values, "count": str(count)}, app.sections.get(section),
                                app.application_kind)
    try:
        saved = await p.uc.applications.put_section(p.user_id, application_id, section, payload)
    except NotFound:
        return p.not_found(request)
    except DomainError as exc:
        return _step_page(p, request, app, n, values, count, problem_errors(exc), status_of(exc, DEFAULT_STATUSES))
    if action == "lanjut":
        target = _step_url(application_id, n + 1) if n < len(STEPS) else f"/permohonan/{application_id}/ringkasan"
    else:
        target = _step_url(application_id, n)
        if action == "tambah":
            target += f"#item-{count - 1}"
    response = p.ui.redirect(target)
    if saved.complete:
        return p.ui.flash(response, p.t("form.saved", section=p.t(f"form.section.{section}")), "success")
    return p.ui.flash(response, p.t("form.saved_draft", section=p.t(f"form.section.{section}"),
                                    n=len(saved.missing)), "warning")


@router.post("/permohonan/dokumen", operation_id="web_form_upload")
async def upload(request: Request) -> Response:
    """One file by XHR (form.js): kept and answered with what the slot shows; errors in JSON."""
    p = await pages(request)
    form = await p.ui.check_csrf(request)
    kind, file = form.get("kind"), form.get("file")
    if not isinstance(kind, str) or not isinstance(file, UploadFile):
        return JSONResponse({"error": p.t("form.error.file_missing")}, status_code=422)
    try:
        doc = await p.uc.documents.upload(p.user_id, kind, file)
    except DomainError as exc:
        message = next(iter(problem_errors(exc).values()), exc.detail)
        return JSONResponse({"error": error_text(message, p.t)}, status_code=status_of(exc, DEFAULT_STATUSES))
    p.docs = await own_documents(p)
    info = p.docs[doc.id]
    return JSONResponse({"id": doc.id, "kind": doc.kind, "content_type": doc.content_type, "size": doc.size,
                         "size_text": info.size_text, "url": info.url, "is_image": info.is_image,
                         "text": p.t("form.document_uploaded", size=info.size_text,
                                     type=p.t(f"form.type.{doc.content_type}"))})


@router.get("/permohonan/dokumen/{document_id}")
async def document(request: Request, document_id: str) -> Response:
    p = await pages(request)
    found = await own_document(p, document_id)
    if found is None:
        return p.not_found(request)
    data, content_type = found
    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(content_type, "bin")
    return Response(data, media_type=content_type, headers={
        "Content-Disposition": f'inline; filename="dokumen-{document_id}.{ext}"',
        "Cache-Control": "private, no-store"})


@router.get("/permohonan/{application_id}/ringkasan")
async def summary(request: Request, application_id: str) -> Response:
    p = await pages(request)
    app = await _application(p, request, application_id)
    if isinstance(app, Response):
        return app
    return _summary_page(p, request, app, [])


def _summary_page(p: FormPages, request: Request, app: ApplicationOut, refusal: list[tuple[str, str]],
                  status_code: int = 200) -> Response:
    all_states = states(app.sections, app.id, p.t)
    return p.ui.render(request, "form/summary.html", status_code=status_code, title=p.t("form.summary_title"),
                       application=app, states=all_states, complete=all(s.complete for s in all_states),
                       refusal=refusal, editable=app.status in EDITABLE, static_url=STATIC_URL, steps=len(STEPS))


@router.post("/permohonan/{application_id}/ajukan")
async def submit(request: Request, application_id: str) -> Response:
    p = await pages(request)
    await p.ui.check_csrf(request)
    app = await _application(p, request, application_id)
    if isinstance(app, Response):
        return app
    try:
        await p.uc.submission.submit(p.user_id, application_id)
    except NotFound:
        return p.not_found(request)
    except DomainError as exc:
        errors = problem_errors(exc)
        refusal = [(refusal_label(f, p.t), error_text(m, p.t)) for f, m in errors.items()]
        return _summary_page(p, request, app, refusal or [("", error_text(exc.detail, p.t))],
                             status_of(exc, DEFAULT_STATUSES))
    response = p.ui.redirect(after_submit(application_id))
    return p.ui.flash(response, p.t("form.submitted"), "success")


