"""The ownership limits of PP 14/2021 (SPEC section 3) and Permen PUPR 8/2022 Ps 23, as pure
functions.

Counted over the SKK a person holds plus every application of the NIK's bound account that is or
could still become an SKK (:func:`counted_holdings`), within the kualifikasi of the new
application: the regulation sets one limit per kualifikasi. A jabatan kerja already held or
applied for takes no second application (:func:`jabatan_kerja_errors`).
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from shared.calendar import indonesian_holidays
from shared.contracts.states import IN_PROGRESS_STATES, SKK_RECORDED_STATES, ApplicationStatus, CertificateStatus
from shared.deadlines import appeal_last_day
from shared.exceptions import Conflict
from shared.reference import MANAJEMEN_PELAKSANAAN

S = ApplicationStatus
# The states an application of the NIK may be in to count at all (not_yet_competent only while
# its appeal window is open: :func:`counts`).
COUNTABLE_STATES = IN_PROGRESS_STATES | SKK_RECORDED_STATES | {S.NOT_YET_COMPETENT}
# SIKI's working days are Jakarta's (WIB): a decision at 23:00 UTC is the next day's.
WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class Holding:
    """One SKK held, or one application that could still become one, or the new application."""

    kualifikasi: str
    klasifikasi_code: str
    subklasifikasi_code: str
    jabatan_kerja_code: str = ""
    held: bool = False  # an SKK exists (in the register or by the application's state)


@dataclass(frozen=True)
class Limit:
    max_skk: int
    max_klasifikasi: int
    max_subklasifikasi: int | None  # across all klasifikasi; None for Ahli (counted per kind)


MAX_SKK = 5
LIMITS: dict[str, Limit] = {
    "Operator": Limit(max_skk=MAX_SKK, max_klasifikasi=3, max_subklasifikasi=5),
    "Teknisi/Analis": Limit(max_skk=MAX_SKK, max_klasifikasi=2, max_subklasifikasi=5),
    "Ahli": Limit(max_skk=MAX_SKK, max_klasifikasi=2, max_subklasifikasi=None),
}
# Ahli: subklasifikasi within the klasifikasi other than Manajemen Pelaksanaan, and within it.
AHLI_MAX_SUB_OTHER = 3
AHLI_MAX_SUB_MP = 2

FIELD_PREFIX = "qualification."


def _reason(field: str, message: str) -> dict[str, str]:
    return {"field": FIELD_PREFIX + field, "message": message}


def ownership_limit_errors(existing: list[Holding], new: Holding) -> list[dict[str, str]]:
    """Every limit the new application would break, each naming the field to change.

    ``existing`` holds the SKK held (not expired, not revoked) and the other applications in
    progress for the same NIK, of any kualifikasi; only those of ``new.kualifikasi`` count.
    """
    limit = LIMITS.get(new.kualifikasi)
    if limit is None:
        return []  # an unknown kualifikasi is reported by the consistency check
    held = [h for h in existing if h.kualifikasi == new.kualifikasi]
    after = [*held, new]
    reasons: list[dict[str, str]] = []
    k = new.kualifikasi
    if len(after) > limit.max_skk:
        reasons.append(_reason(
            "kualifikasi",
            f"{k}: at most {limit.max_skk} SKK (held plus in progress); this would be {len(after)}",
        ))
    klasifikasi = {h.klasifikasi_code for h in after}
    if len(klasifikasi) > limit.max_klasifikasi:
        reasons.append(_reason(
            "klasifikasi_code",
            f"{k}: at most {limit.max_klasifikasi} different klasifikasi; this would be "
            f"{len(klasifikasi)} ({', '.join(sorted(klasifikasi))})",
        ))
    subklasifikasi = {h.subklasifikasi_code for h in after}
    if limit.max_subklasifikasi is not None and len(subklasifikasi) > limit.max_subklasifikasi:
        reasons.append(_reason(
            "subklasifikasi_code",
            f"{k}: at most {limit.max_subklasifikasi} subklasifikasi; this would be {len(subklasifikasi)}",
        ))
    if k == "Ahli":
        reasons.extend(_ahli_errors(after, klasifikasi))
    return reasons


def _ahli_errors(after: list[Holding], klasifikasi: set[str]) -> list[dict[str, str]]:
    reasons: list[dict[str, str]] = []
    mp = MANAJEMEN_PELAKSANAAN
    if len(klasifikasi) == 2 and mp not in klasifikasi:
        reasons.append(_reason(
            "klasifikasi_code",
            f"Ahli: with two klasifikasi one of them must be Manajemen Pelaksanaan ({mp}); "
            f"this would be {', '.join(sorted(klasifikasi))}",
        ))
    sub_mp = {h.subklasifikasi_code for h in after if h.klasifikasi_code == mp}
    sub_other = {h.subklasifikasi_code for h in after if h.klasifikasi_code != mp}
    if len(sub_other) > AHLI_MAX_SUB_OTHER:
        reasons.append(_reason(
            "subklasifikasi_code",
            f"Ahli: at most {AHLI_MAX_SUB_OTHER} subklasifikasi outside Manajemen Pelaksanaan; "
            f"this would be {len(sub_other)}",
        ))
    if len(sub_mp) > AHLI_MAX_SUB_MP:
        reasons.append(_reason(
            "subklasifikasi_code",
            f"Ahli: at most {AHLI_MAX_SUB_MP} subklasifikasi within Manajemen Pelaksanaan; "
            f"this would be {len(sub_mp)}",
        ))
    return reasons


def jabatan_kerja_errors(existing: list[Holding], new: Holding) -> list[dict[str, str]]:
    """Permen PUPR 8/2022 Ps 23: no new application for a jabatan kerja already held (not
    expired) or applied for; a held one is renewed (perpanjangan), not applied for again."""
    same = [h for h in existing if new.jabatan_kerja_code and h.jabatan_kerja_code == new.jabatan_kerja_code]
    if not same:
        return []
    code = new.jabatan_kerja_code
    if any(h.held for h in same):
        message = (f"an SKK for jabatan kerja {code} is already held: renew it (perpanjangan) "
                   "instead of applying again")
    else:
        message = (f"an application for jabatan kerja {code} is already in progress: one application per "
                   "jabatan kerja (Permen PUPR 8/2022 Ps 23)")
    return [_reason("jabatan_kerja_code", message)]


def application_errors(existing: list[Holding], new: Holding) -> list[dict[str, str]]:
    """Every ownership rule the new application would break (limits and jabatan kerja)."""
    return [*ownership_limit_errors(existing, new), *jabatan_kerja_errors(existing, new)]


@dataclass
class AppealWindow:
    """``SKK_APPEAL_WINDOW_WORKING_DAYS`` Indonesian working days from a Belum Kompeten
    decision, the decision's own day not counted (the calendar is built when first needed)."""

    working_days: int = 5
    calendar_factory: Callable[[], Container[date]] = indonesian_holidays
    _calendar: Container[date] | None = field(default=None, init=False, repr=False)

    @property
    def calendar(self) -> Container[date]:
        if self._calendar is None:
            self._calendar = self.calendar_factory()
        return self._calendar

    def closes_on(self, decided_at: datetime) -> date:
        """The last day (WIB) on which an appeal may be filed."""
        return appeal_last_day(decided_at, self.working_days, self.calendar)

    def is_open(self, decided_at: datetime, now: datetime) -> bool:
        return _wib(now).date() <= self.closes_on(decided_at)


class AppealWindowClosed(Conflict):
    """An appeal after the window: refused, the application no longer counts for the limits."""

    def __init__(self, closed_on: date, working_days: int) -> None:
        message = (f"the appeal window closed on {closed_on.isoformat()} ({working_days} working days after "
                   "the Belum Kompeten decision)")
        super().__init__(message, errors=[{"field": "filed_at", "message": message}],
                         appeal_window_closed_on=closed_on.isoformat())


def _wib(at: datetime) -> datetime:
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(WIB)


C = CertificateStatus
# A suspension is temporary: the SKK is still held (it still blocks a second application for its
# jabatan kerja). A revoked SKK is held no more; a superseded one is replaced by its successor,
# which counts in its place (as its own register entry, or as its application until recorded).
HELD_STATUSES = frozenset({C.ACTIVE, C.SUSPENDED})
# What cannot be renewed (perpanjangan): a revoked SKK is gone, a superseded one has a successor
# (renew that one instead).
NOT_RENEWABLE = frozenset({C.REVOKED, C.SUPERSEDED})


def counts_as_held(status: CertificateStatus, valid_until: date, today: date) -> bool:
    """Whether an SKK in the register counts towards the ownership limits on ``today``: active
    or suspended, and not expired."""
    return status in HELD_STATUSES and valid_until >= today


def is_valid(status: CertificateStatus, valid_until: date, today: date) -> bool:
    """Whether an SKK in the register is valid on ``today``: active and not expired."""
    return status == C.ACTIVE and valid_until >= today


def can_renew(status: CertificateStatus) -> bool:
    """Whether a held SKK may be renewed, as far as its status goes (not revoked, not
    superseded); the renewal window around its expiry is the renewal's own rule."""
    return status not in NOT_RENEWABLE


def status_change_applies(last_applied_seq: int, seq: int) -> bool:
    """LPJK numbers a certificate's status changes 1, 2, ...: a change is applied only if it is
    newer than the last applied, so a redelivered or late one cannot take the status back."""
    return seq > last_applied_seq


@dataclass(frozen=True)
class RegisterEntry:
    """An SKK in the register of the NIK (fed by LPJK's ``skk.recorded``)."""

    application_id: str
    holding: Holding
    valid: bool  # counts as held (:func:`counts_as_held`): active or suspended, not expired
    recording_number: str = ""  # LPJK's: what a renewal or a change names as the SKK it replaces


@dataclass(frozen=True)
class OwnApplication:
    """An application of the NIK's bound account, in one of :data:`COUNTABLE_STATES`."""

    id: str
    status: ApplicationStatus
    holding: Holding
    decided_at: datetime | None = None  # not_yet_competent: when the decision was taken
    valid_until: date | None = None  # once recorded: the SKK's validity, if SIKI has it
    # A renewal or a change: the recording number of the held SKK it replaces (None for a baru).
    replaces: str | None = None


def counts(app: OwnApplication, now: datetime, window: AppealWindow) -> bool:
    """Whether an application is or could still become an SKK: in progress, an appeal pending,
    Belum Kompeten with the appeal window open, or its SKK recorded and not expired."""
    if app.status in IN_PROGRESS_STATES:
        return True
    if app.status in SKK_RECORDED_STATES:
        return app.valid_until is None or app.valid_until >= now.date()
    if app.status == S.NOT_YET_COMPETENT:
        return app.decided_at is None or window.is_open(app.decided_at, now)
    return False


def counted_holdings(register: list[RegisterEntry], applications: list[OwnApplication], *, exclude: str,
                     now: datetime, window: AppealWindow, replacing: str | None = None) -> list[Holding]:
    """What the limits count for a NIK (``exclude``: the application being checked): its valid
    SKK in the register and the applications that count (:func:`counts`), each SKK once: an
    application whose SKK is in the register (valid or not) counts as that entry only.

    A renewal or a change (an application that ``replaces`` a held SKK) is that SKK, never one
    more: in progress, the held SKK counts for it (the application itself only once the held one
    no longer counts, e.g. expired meanwhile); recorded, its own SKK counts and the replaced one no
    more, even before LPJK's ``superseded`` for it reaches the register. ``replacing``: the SKK
    the checked application replaces (the new application counts in its place)."""
    in_register = {e.application_id for e in register}
    counting = [a for a in applications if a.id != exclude and counts(a, now, window)]
    replaced = {a.replaces for a in counting
                if a.replaces is not None and (a.status in SKK_RECORDED_STATES or a.id in in_register)}
    if replacing is not None:
        replaced.add(replacing)
    replaced.discard("")
    entries = [e for e in register if e.valid and e.application_id != exclude and e.recording_number not in replaced]
    standing = {e.recording_number for e in entries if e.recording_number}
    held = [e.holding for e in entries]
    for app in counting:
        if app.id in in_register:
            continue
        if app.replaces in standing and app.status not in SKK_RECORDED_STATES:
            continue  # the held SKK it renews or changes counts for it
        held.append(replace(app.holding, held=app.status in SKK_RECORDED_STATES))
    return held


NIK_BOUND_MESSAGE = ("this NIK is bound to another portal account; ask the operator to rebind after an "
                     "identity check")


class NikBoundToAnotherAccount(Conflict):
    """A submission for a NIK from an account other than the one it is bound to."""

    def __init__(self) -> None:
        super().__init__(NIK_BOUND_MESSAGE, errors=[{"field": "nik", "message": NIK_BOUND_MESSAGE}])


def check_binding(bound_account: str | None, account: str) -> None:
    """A NIK belongs to the first account that submitted for it (or the one an operator
    rebound it to); raise :class:`NikBoundToAnotherAccount` for any other account."""
    if bound_account is not None and bound_account != account:
        raise NikBoundToAnotherAccount()
