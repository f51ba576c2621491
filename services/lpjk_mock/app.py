"""The lpjk service's composition root: runtime, QR keyring, use cases, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.lpjk_mock.api.deps import OPERATOR_ROLES
from services.lpjk_mock.api.public import router as public_router
from services.lpjk_mock.api.records import router as records_router
from services.lpjk_mock.db.models import AuditEntry, Base, IdempotencyKey, InboxEntry, Operator, OutboxEvent
from services.lpjk_mock.events import register_consumers
from services.lpjk_mock.keys import keyring_from
from services.lpjk_mock.settings import LpjkSettings
from services.lpjk_mock.usecases.credentials import Credentials, KeyWindow
from services.lpjk_mock.usecases.records import Records
from services.lpjk_mock.usecases.verification import Verification
from services.lpjk_mock.web.pdf_verification import trusted_pdf_certificates
from services.lpjk_mock.web.routes import install_web
from shared.audit import Auditor
from shared.bus import EventBus
from shared.contracts.events import QUEUES
from shared.devdefaults import DEV_LSPS
from shared.devpdf import dev_certificate_pem
from shared.idempotency import install_idempotency
from shared.operator_accounts import Operators
from shared.operators_api import install_operators
from shared.runtime import ServiceRuntime
from shared.sealing import install_data_keys

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: LpjkSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or LpjkSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    install_data_keys(runtime, Base.metadata)  # first: the sealing of old rows runs before other start-up steps
    register_consumers(runtime)
    app = FastAPI(title="lpjk", version="1.0.0", lifespan=runtime.lifespan,
                  description="LPJK recording: records SKK, issues signed QR codes, verifies certificates publicly.")
    # Before runtime.install, so that it sits inside the body limit: keyed POSTs run once.
    install_idempotency(app, runtime, IdempotencyKey, audience="lpjk")
    runtime.install(app)  # RecordChanged (409) and UnknownRecord (404) answer as their base classes
    # Loaded once at start: a malformed key fails the start, not the first request.
    keyring = keyring_from(settings)
    auditor = Auditor(AuditEntry)
    app.state.records = Records(runtime.sessions, runtime.emit, keyring, settings.public_url, auditor=auditor)
    operators = Operators.for_runtime(runtime, model=Operator, auditor=auditor, roles=OPERATOR_ROLES)
    if settings.is_dev and settings.seed_dev_operator:
        runtime.on_startup(lambda: operators.seed_dev(password=settings.dev_password.get_secret_value()))
    app.state.verification = Verification(runtime.sessions, keyring, runtime.throttle,
                                          settings.public_verification_limits)
    pdf_certificates = lsp_pdf_certificates(settings)
    app.state.credentials = Credentials(
        runtime.sessions, keyring, settings.public_url, app.state.verification,
        current_key=KeyWindow(settings.qr_key_valid_from),
        retired_keys={kid: KeyWindow(*settings.retired_key_validity(kid)) for kid in settings.qr_retired_public_keys},
        lsp_certificates=pdf_certificates,
    )
    # The page checks an uploaded PDF's signer against the same certificates.
    app.state.trusted_pdf_certificates = trusted_pdf_certificates(pdf_certificates)
    app.include_router(records_router)
    app.include_router(public_router)
    install_operators(app, operators, auditor)
    install_web(app, settings)  # the public verification page (web/)
    return app


def lsp_pdf_certificates(settings: LpjkSettings) -> dict[str, str]:
    """The LSPs' PDF-signing certificates for the trust list: configured, or in dev the dev LSPs'
    deterministic dev certificates (the ones their e-certificates are signed with in dev)."""
    if settings.lsp_pdf_certificates or not settings.is_dev:
        return dict(settings.lsp_pdf_certificates)
    return {code: dev_certificate_pem(code, str(lsp["name"])) for code, lsp in DEV_LSPS.items()}
