"""The rules SIKI checks for a renewal (perpanjangan) or a change (perubahan) of a held SKK
(SPEC section 8, "Applications"; PP 14/2021 Ps 29B-C), as pure functions.

Both name the held SKK by ``previous_skk_number``; SIKI looks it up in its own register under the
submitting NIK (the portal's word is not trusted) and forwards what the register says as
:class:`PreviousCertificate`. An SKK of another NIK is "not registered for this NIK", exactly as
an unknown number: the answer reveals nothing about other people's SKK.

The holder's status decides what may be done with it:

- a renewal needs an SKK neither revoked nor superseded (:func:`limits.can_renew`; a suspended SKK
  may be renewed: the renewal's own assessment decides), from 6 calendar months before its
  ``valid_until`` and any time after;
- a change needs an SKK active and not expired: a change gives a new certificate with the SAME
  validity end and an active status, so allowing it on a suspended SKK would lift the suspension,
  and on an expired one it would issue a certificate already expired.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from services.siki.domain.limits import can_renew, is_valid
from shared.contracts.kinds import CHANGE, RENEWAL, PreviousCertificate
from shared.contracts.states import CertificateStatus

C = CertificateStatus
Errors = list[dict[str, str]]
# PP 14/2021 Ps 29B: a renewal may be filed from 6 months before the SKK's expiry.
RENEWAL_WINDOW_MONTHS = 6
PREVIOUS = "previous_skk_number"


@dataclass(frozen=True)
class HeldSkk:
    """One row of SIKI's register of SKK for the submitting NIK."""

    recording_number: str
    skk_number: str
    registration_number: str
    issued_on: date
    valid_until: date
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: int
    status: CertificateStatus

    def certificate(self) -> PreviousCertificate:
        """What the LSP is told about the held SKK."""
        return PreviousCertificate(
            skk_number=self.skk_number, registration_number=self.registration_number,
            recording_number=self.recording_number, issued_on=self.issued_on, valid_until=self.valid_until,
            klasifikasi_code=self.klasifikasi_code, subklasifikasi_code=self.subklasifikasi_code,
            kualifikasi=self.kualifikasi, jabatan_kerja_code=self.jabatan_kerja_code, jenjang=self.jenjang,
            status=self.status)


def months_before(day: date, months: int) -> date:
    """``day`` moved back by calendar months, the day clamped to the month's last
    (2027-08-31 -> 2027-02-28)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def renewal_opens_on(valid_until: date) -> date:
    """The first day a renewal of an SKK valid until ``valid_until`` may be filed."""
    return months_before(valid_until, RENEWAL_WINDOW_MONTHS)


def current_row(rows: list[HeldSkk]) -> HeldSkk | None:
    """The register row an SKK number stands for now. After a change the SKK number has two
    rows (the old certificate superseded, the new one not): the one not superseded; if every
    row is superseded (the SKK was renewed under a new number), the newest, so the refusal can
    say so."""
    if not rows:
        return None
    ordered = sorted(rows, key=lambda r: (r.status != C.SUPERSEDED, r.issued_on, r.recording_number))
    return ordered[-1]


def kind_errors(*, kind: str, previous_skk_number: str | None, changed_fields: list[str], held: HeldSkk | None,
                jabatan_kerja_code: str, jenjang: int, today: date) -> Errors:
    """Every reason a submission of ``kind`` cannot go ahead for the held SKK (``held``: the
    register's row of ``previous_skk_number`` for the submitting NIK, None if it has none)."""
    if kind not in (RENEWAL, CHANGE):
        errors: Errors = []
        if previous_skk_number is not None:
            errors.append(_error(PREVIOUS, "hanya untuk permohonan perpanjangan atau perubahan"))
        if changed_fields:
            errors.append(_error("changed_fields", "hanya untuk permohonan perubahan"))
        return errors
    if not previous_skk_number:
        return [_error(PREVIOUS, "wajib diisi untuk permohonan perpanjangan atau perubahan: nomor SKK yang dimiliki")]
    if held is None:
        return [_error(PREVIOUS, f"SKK {previous_skk_number} tidak terdaftar atas NIK pemohon")]
    errors = _status_errors(kind, held, today)
    if held.jabatan_kerja_code != jabatan_kerja_code:
        errors.append(_error("jabatan_kerja_code", f"harus sama dengan jabatan kerja SKK {held.skk_number} "
                                                   f"({held.jabatan_kerja_code})"))
    if held.jenjang != jenjang:
        errors.append(_error("jenjang", f"harus sama dengan jenjang SKK {held.skk_number} ({held.jenjang})"))
    if kind == RENEWAL and changed_fields:
        errors.append(_error("changed_fields", "hanya untuk permohonan perubahan"))
    if kind == CHANGE and not changed_fields:
        errors.append(_error("changed_fields", "sebutkan data pemegang yang diubah (mis. full_name)"))
    return errors


def _status_errors(kind: str, held: HeldSkk, today: date) -> Errors:
    number = held.skk_number
    if held.status == C.REVOKED:
        return [_error(PREVIOUS, f"SKK {number} telah dicabut dan tidak dapat diperpanjang atau diubah")]
    if held.status == C.SUPERSEDED:
        return [_error(PREVIOUS, f"SKK {number} telah digantikan oleh sertifikat yang lebih baru; "
                                 "ajukan untuk SKK pengganti tersebut")]
    if kind == RENEWAL:
        if not can_renew(held.status):
            return [_error(PREVIOUS, f"SKK {number} tidak dapat diperpanjang (status {held.status.value})")]
        opens = renewal_opens_on(held.valid_until)
        if today < opens:
            return [_error(PREVIOUS, f"perpanjangan SKK {number} dapat diajukan mulai {opens.isoformat()} "
                                     f"(6 bulan sebelum masa berlaku berakhir {held.valid_until.isoformat()})")]
        return []
    if held.status != C.ACTIVE:
        return [_error(PREVIOUS, f"SKK {number} sedang dibekukan ({held.status.value}); perubahan data hanya "
                                 "untuk SKK yang aktif")]
    if not is_valid(held.status, held.valid_until, today):
        return [_error(PREVIOUS, f"masa berlaku SKK {number} telah berakhir pada {held.valid_until.isoformat()}; "
                                 "ajukan perpanjangan")]
    return []


def in_progress_message(held: HeldSkk) -> str:
    return (f"sudah ada permohonan perpanjangan atau perubahan yang sedang berjalan untuk SKK {held.skk_number}; "
            "satu permohonan per SKK")


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}
