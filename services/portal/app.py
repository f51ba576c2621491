"""The portal service's composition root: the runtime, the adapters (document store, mail, SIKI),
the use cases, and the routers and consumers that call them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from fastapi import FastAPI

from services.portal.api import applications, auth, documents, notifications, operator, reference
from services.portal.api import reminders as reminders_api
from services.portal.api import service_documents as service_documents_api
from services.portal.api.deps import PortalContext
from services.portal.db.models import AuditEntry, Base, IdempotencyKey, InboxEntry, Operator, OutboxEvent
from services.portal.domain.renewal import parse_pkb_minimums
from services.portal.events import register_consumers
from services.portal.gateways.siki import SikiGateway
from services.portal.mail import send_email
from services.portal.settings import PortalSettings
from services.portal.storage import DocumentStore
from services.portal.usecases import (
    Accounts,
    Appeals,
    Applications,
    Certificates,
    Documents,
    Logins,
    NikBindings,
    Notifications,
    PasswordResets,
    Payments,
    PortalUseCases,
    Retention,
    StatusMirror,
    Submission,
    Withdrawal,
)
from services.portal.usecases.account_ports import AccountPorts
from services.portal.usecases.forms import ApplicationForms
from services.portal.usecases.reminders import ExpiryReminders
from services.portal.usecases.service_documents import ServiceDocuments
from services.portal.web.form_routes import install_form
from services.portal.web.routes import install_web
from shared.account_cache import AccountStanding, RecentAccounts
from shared.audit import Auditor
from shared.bus import EventBus
from shared.calendar import indonesian_holidays
from shared.contracts.events import QUEUES
from shared.crypto import DataKeys
from shared.http_surface import allow_uploads
from shared.idempotency import install_idempotency
from shared.mail import SmtpConnections
from shared.operator_accounts import Operators
from shared.operators_api import install_operators
from shared.runtime import ServiceRuntime
from shared.sealing import install_data_keys

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
API_PREFIX = "/api/v1"


def build_usecases(runtime: ServiceRuntime, settings: PortalSettings, *, auditor: Auditor,
                   revoked: Callable[[str], None]) -> PortalUseCases:
    """``revoked``: told the user whose sessions just ended (the cache of token versions)."""
    sessions, emit, public_url = runtime.sessions, runtime.emit, settings.public_url
    store = DocumentStore(settings.document_dir, DataKeys.from_settings(settings))
    runtime.on_startup(store.seal_legacy_files)
    siki = SikiGateway(runtime.client(settings.siki_url, audience="siki", name="siki"))
    docs = Documents(sessions, store, settings)
    nik = NikBindings(sessions, siki, settings.nik_binding_secret.get_secret_value(), auditor=auditor)
    account_ports = AccountPorts(sessions, emit, settings, runtime.throttle, auditor, revoked)
    pkb = parse_pkb_minimums(settings.pkb_minimums)
    # The status emails of every application: kept SMTP connections instead of one per message.
    smtp = SmtpConnections()
    runtime.on_shutdown(smtp.close)
    return PortalUseCases(
        accounts=Accounts(account_ports),
        applications=Applications(sessions, runtime.engine, nik, pkb),
        submission=Submission(sessions, siki, public_url, nik, pkb_minimums=pkb),
        payments=Payments(sessions, docs, siki, public_url),
        appeals=Appeals(sessions, siki, window_working_days=settings.appeal_window_working_days,
                        calendar=partial(indonesian_holidays, settings.count_collective_leave)),
        certificates=Certificates(sessions, store, siki, emit),
        forms=ApplicationForms(sessions, store, siki),
        documents=docs,
        notifications=Notifications(sessions, partial(send_email, settings, smtp)),
        status_mirror=StatusMirror(emit, public_url),
        withdrawal=Withdrawal(sessions, siki),
        nik_bindings=nik,
        logins=Logins(account_ports),
        password_resets=PasswordResets(account_ports),
        retention=Retention(sessions, store, settings, auditor),
    )


def create_app(settings: PortalSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    install_data_keys(runtime, Base.metadata)  # first: the sealing of old rows runs before other start-up steps
    auditor = Auditor(AuditEntry)
    confirmed_users: RecentAccounts[AccountStanding] = RecentAccounts(
        min(settings.user_recheck_seconds, settings.access_token_ttl_seconds), max_entries=100_000)
    usecases = build_usecases(runtime, settings, auditor=auditor, revoked=confirmed_users.forget)
    register_consumers(runtime, usecases)
    if settings.retention_interval_seconds > 0:
        runtime.background(usecases.retention.loop)
    # The expiry reminders (usecases/reminders.py): the daily job and run_expiry_reminders.
    reminders = ExpiryReminders(runtime.sessions, runtime.emit, settings)
    if settings.expiry_reminder_interval_seconds > 0:
        runtime.background(reminders.loop)
    app = FastAPI(title="portal", version="1.0.0", lifespan=runtime.lifespan,
                  description="The PUPR licensing portal: applicants register, apply, pay and download.")
    # Before runtime.install, so that it sits inside the body limit: keyed POSTs run once.
    install_idempotency(app, runtime, IdempotencyKey, audience="portal")
    runtime.install(app)
    app.state.portal = PortalContext(
        runtime=runtime, settings=settings, usecases=usecases,
        confirmed_users=confirmed_users,
    )
    for module in (auth, reference, documents, applications, notifications, operator):
        app.include_router(module.router, prefix=API_PREFIX)
    install_web(app)  # the applicant's pages (services/portal/web), /activate and /reset-password among them
    install_form(app)  # the seven-step application form (services/portal/web/form_routes.py)
    # SIKI fetching an application's document for its LSP (SPEC section 8, "Evidence").
    app.state.service_documents = ServiceDocuments(runtime.sessions, usecases.documents.store, auditor)
    app.include_router(service_documents_api.router, prefix=API_PREFIX)
    app.state.expiry_reminders = reminders
    app.include_router(reminders_api.router, prefix=API_PREFIX)
    operators = Operators.for_runtime(runtime, model=Operator, auditor=auditor, roles=operator.OPERATOR_ROLES)
    if settings.is_dev and settings.seed_dev_operator:
        runtime.on_startup(lambda: operators.seed_dev(password=settings.dev_password.get_secret_value()))
    install_operators(app, operators, auditor)
    allow_uploads(app, settings.max_upload_bytes, "upload_document", "upload_payment_proof")
    return app
