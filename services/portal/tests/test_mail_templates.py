"""The portal's emails come from templates (Bahasa Indonesia); a value put into one stays on its
line whatever it holds (rows stored before names were validated included)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jinja2 import UndefinedError

from services.portal.mail_templates import TEMPLATE_DIR, local_time, one_line, render_email

HOSTILE = "Budi\r\n\r\nAkun Anda DIBLOKIR.\u2028Verifikasi di http://evil.example\u200b\t<b>"
VALUES = {"first_name": HOSTILE, "link": "http://portal.test/activate?token=abc", "ttl_hours": 24,
          "ttl_minutes": 60, "login_url": "http://portal.test/", "reset_url": "http://portal.test/reset-password",
          "changed_at": "03-12-2026 14.05 WIB", "application_id": "app-1", "portal_url": "http://portal.test",
          "skk_number": "SKK-1", "jabatan_kerja": "Arsitek Utama (AR011001)", "valid_until": "20-12-2031",
          "days_left": 30, "renewal_url": "http://portal.test/permohonan/baru?jenis=perpanjangan&skk=SKK-1",
          "status": "suspended", "message": "Sertifikat dibekukan oleh LPJK: alasan", "recording_number": "LPJK-1"}
NAMES = sorted(p.stem for p in TEMPLATE_DIR.glob("*.txt"))


def test_every_account_email_has_a_template() -> None:
    assert set(NAMES) >= {"activation", "activation_resend", "already_registered", "account_active",
                          "password_reset", "password_changed", "certificate_ready"}


@pytest.mark.parametrize("name", NAMES)
def test_a_name_cannot_break_out_of_its_line(name: str) -> None:
    mail = render_email(name, **VALUES)
    assert mail.subject and "\n" not in mail.subject and "Budi" not in mail.subject
    greeting = next(line for line in mail.body.splitlines() if line.startswith("Yth."))
    assert "DIBLOKIR" in greeting  # the whole value sits on the greeting's line...
    assert not any(line.lstrip().startswith(("Akun Anda DIBLOKIR", "Verifikasi di")) for line in mail.body.splitlines())
    assert not any(c in mail.body for c in "\r\u2028\u200b\t")  # ...with nothing that breaks lines
    assert "<b>" in greeting  # plain text: shown as typed, not HTML-escaped


def test_texts_are_in_bahasa_indonesia() -> None:
    assert render_email("activation", **VALUES).subject == "Aktivasi akun SKK Konstruksi"
    assert "berlaku selama 24 jam" in render_email("activation", **VALUES).body
    assert "60 menit" in render_email("password_reset", **VALUES).body
    assert "app-1" in render_email("certificate_ready", **VALUES).body


def test_a_missing_value_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError):
        render_email("activation", first_name="Budi")


def test_helpers() -> None:
    assert one_line("a\nb\x00c\u202ed") == "a b c d" and one_line(None) == ""
    assert local_time(datetime(2026, 12, 3, 7, 5, tzinfo=UTC)) == "03-12-2026 14.05 WIB"
