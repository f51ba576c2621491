"""A NIK belongs to at most one portal account (SPEC section 8, "Parties and trust").

The binding is stored under the NIK's keyed hash (HMAC-SHA256 with a secret setting), so the
table that decides ownership holds no NIK. What the applicant is told when a NIK is bound to
another account, and what the operator's rebind is refused for, are here too.
"""

from __future__ import annotations

import hashlib
import hmac

from shared.exceptions import Conflict

# The field a refusal names, as the section rules name it.
NIK_FIELD = "personal.nik"

BOUND_ELSEWHERE = (
    "NIK ini sudah terdaftar pada akun lain di portal ini. Jika NIK ini milik Anda, hubungi operator "
    "portal SKK Konstruksi untuk pemeriksaan identitas (siapkan KTP asli); setelah identitas Anda "
    "diperiksa, operator memindahkan NIK ini ke akun Anda. Data Anda belum disimpan."
)


def nik_key(secret: str, nik: str) -> str:
    """The NIK's keyed hash (hex): equal for equal NIKs, useless without the secret."""
    return hmac.new(secret.encode(), nik.strip().encode(), hashlib.sha256).hexdigest()


class NikBoundElsewhere(Conflict):
    """The NIK is bound to another account: 409 naming ``personal.nik``, saying what to do next."""

    def __init__(self) -> None:
        super().__init__("NIK sudah terdaftar pada akun lain; hubungi operator portal untuk pemeriksaan identitas",
                         errors=[{"field": NIK_FIELD, "message": BOUND_ELSEWHERE}])
