"""The account and application rules speak English (they are the API's too); the applicant's pages
speak Bahasa Indonesia. Each known message maps to a catalogue key (``galat_akun.*``); the form's
own table (form_messages) is tried next; anything else is shown as it is."""

from __future__ import annotations

import re

from services.portal.web.form_messages import Translate, error_text

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), k) for p, k in (
    (r"^must not be empty$|^field required$|^Wajib diisi", "galat_akun.kosong"),
    (r"^must have at most \d+ characters$|^String should have at most", "galat_akun.terlalu_panjang"),
    (r"^must contain a letter$", "galat_akun.huruf"),
    (r"portal is for individuals", "galat_akun.perorangan"),
    (r"data-truth statement", "galat_akun.persetujuan"),
    (r"^must have at least \d+ characters$", "galat_akun.sandi_pendek"),
    (r"both letters and digits", "galat_akun.sandi_campur"),
    (r"email address's name", "galat_akun.sandi_email"),
    (r"^does not match password", "galat_akun.sandi_beda"),
    (r"common|guess|breach|weak", "galat_akun.sandi_lemah"),
    (r"^unknown (activation|password reset) link$", "galat_akun.tautan_tidak_dikenal"),
    (r"already (been )?used", "galat_akun.tautan_dipakai"),
    (r"expired", "galat_akun.tautan_kedaluwarsa"),
    (r"wrong email or password|invalid access token|not activated", "galat_akun.salah_masuk"),
    (r"too many", "galat_akun.terlalu_sering"),
    (r"valid email address|email address", "galat_akun.email"),
    (r"phone", "galat_akun.telepon"),
    (r"SIKI (is )?unreachable|could not be reached|unavailable", "galat_akun.siki"),
    (r"^cannot .* while the application is", "galat_akun.status"),
    (r"appeal window closed", "galat_akun.banding_tutup"),
    (r"^the invoice was due on", "galat_akun.bayar_lewat"),
    (r"^String should have at least 10", "galat_akun.alasan_pendek"),
))


def account_error(message: str, t: Translate) -> str:
    for pattern, key in _PATTERNS:
        if pattern.search(message):
            return t(key)
    return error_text(message, t)


def translated(errors: dict[str, str], t: Translate) -> dict[str, str]:
    return {field: account_error(message, t) for field, message in errors.items()}
