from __future__ import annotations

from datetime import UTC, date, datetime

from services.lsp.issuance import rules
from services.lsp.issuance.settings import issuance_settings
from services.lsp.settings import LspSettings


def test_valid_until_is_the_day_before_the_anniversary() -> None:
    assert rules.valid_until(date(2026, 3, 2), 5) == date(2031, 3, 1)
    assert rules.valid_until(date(2026, 1, 1), 5) == date(2030, 12, 31)
    assert rules.valid_until(date(2028, 2, 29), 5) == date(2033, 2, 27)
    assert rules.valid_until(date(2026, 6, 15), 1) == date(2027, 6, 14)


def test_add_years_handles_29_february() -> None:
    assert rules.add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)
    assert rules.add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)


def test_dates_in_bahasa_indonesia_and_jakarta_time() -> None:
    assert rules.tanggal(date(2026, 8, 17)) == "17 Agustus 2026"
    assert rules.tanggal(date(2026, 5, 1)) == "1 Mei 2026"
    assert rules.local_date(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "Asia/Jakarta") == date(2027, 1, 1)
    assert rules.local_date(datetime(2026, 12, 31, 16, 59), "Asia/Jakarta") == date(2026, 12, 31)


def test_issuance_settings_follow_the_lsp_settings() -> None:
    lsp = LspSettings(lsp_code="LSP-B", database_url="sqlite+aiosqlite:///:memory:")
    cfg = issuance_settings(lsp, certificate_validity_years=3)
    assert cfg.certificate_validity_years == 3 and cfg.mode == lsp.mode and cfg.timezone == lsp.timezone
    assert issuance_settings(lsp).certificate_validity_years == 5
