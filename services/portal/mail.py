"""Sending the portal's emails: over SMTP (aiosmtplib) to ``SKK_SMTP_URL``, or, with no SMTP
server configured, as ``.eml`` files in ``mail_dir`` (the sending itself is ``shared/mail.py``)."""

from __future__ import annotations

from email.message import EmailMessage

from services.portal.settings import PortalSettings
from shared import mail


def build_message(settings: PortalSettings, to: str, subject: str, body: str, *,
                  message_id: str | None = None) -> EmailMessage:
    return mail.build_message(settings.mail_from, to, subject, body, message_id=message_id)


async def send_email(settings: PortalSettings, connections: mail.SmtpConnections | None, to: str, subject: str,
                     body: str, message_id: str | None = None) -> None:
    """Raises when the message could not be handed over (the caller's bus retries it)."""
    await mail.deliver(build_message(settings, to, subject, body, message_id=message_id), smtp_url=settings.smtp_url,
                       mail_dir=settings.mail_dir, timeout=settings.http_timeout_seconds, connections=connections)
