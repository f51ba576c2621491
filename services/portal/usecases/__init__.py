"""The portal's use cases, one module per group; :class:`PortalUseCases` holds one of each, built
by the composition root (``services/portal/app.py``) with the ports they need."""

from __future__ import annotations

from dataclasses import dataclass

from services.portal.usecases.accounts import Accounts
from services.portal.usecases.appeals import Appeals
from services.portal.usecases.applications import Applications
from services.portal.usecases.bindings import NikBindings
from services.portal.usecases.certificates import Certificates
from services.portal.usecases.documents import Documents
from services.portal.usecases.forms import ApplicationForms
from services.portal.usecases.logins import Logins
from services.portal.usecases.notifications import Notifications
from services.portal.usecases.password_reset import PasswordResets
from services.portal.usecases.payments import Payments
from services.portal.usecases.retention import Retention
from services.portal.usecases.submission import Submission
from services.portal.usecases.timeline import StatusMirror
from services.portal.usecases.withdrawal import Withdrawal


@dataclass(frozen=True)
class PortalUseCases:
    accounts: Accounts
    applications: Applications
    submission: Submission
    payments: Payments
    appeals: Appeals
    certificates: Certificates
    documents: Documents
    notifications: Notifications
    status_mirror: StatusMirror
    withdrawal: Withdrawal
    nik_bindings: NikBindings
    logins: Logins
    password_resets: PasswordResets
    retention: Retention
    # download_application_form; optional so that a composition without it still builds.
    forms: ApplicationForms | None = None


__all__ = [
    "Accounts", "Appeals", "Applications", "Certificates", "Documents", "Logins", "NikBindings", "Notifications",
    "PasswordResets", "Payments", "PortalUseCases", "Retention", "StatusMirror", "Submission", "Withdrawal",
]
