"""One applicant's whole journey through the chain, the LSP staff's actions automated.

A :class:`Plan` says which LSP and jabatan kerja and which detours (returned as incomplete,
payment proof rejected, Belum Kompeten and an appeal, unpaid and cancelled); :func:`run_journey`
drives it only through the public APIs and answers a :class:`JourneyResult` with the final
state, the statuses SIKI recorded, and what the applicant received.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import httpx

from scripts.simulator.api import ApiError, Lpjk, LspStaff, Metrics, Portal, Service, SikiOperator, wait_until
from scripts.simulator.files import document
from scripts.simulator.mailbox import Mailbox, activation_token
from scripts.simulator.people import Person
from shared.reference import get_reference

PASSWORD = "Sim-Applicant-Pass-2024!"
JAKARTA = timezone(timedelta(hours=7))
FINAL_STATES = frozenset({"completed", "cancelled", "appeal_rejected"})


@dataclass(frozen=True)
class Plan:
    lsp_code: str
    jabatan_kerja_code: str
    return_first: bool = False
    reject_payment_first: bool = False
    first_recommendation: str = "K"  # "K" or "BK"
    appeal: str | None = None  # after BK: "upheld" (reassessed, Kompeten) or "rejected"
    pay: bool = True  # False: never pays; cancelled by the deadline sweep
    asosiasi_code: str = "ATAKI"

    @property
    def scenario(self) -> str:
        if not self.pay:
            return "cancelled"
        parts = []
        if self.return_first:
            parts.append("returned")
        if self.reject_payment_first:
            parts.append("payment_rejected")
        if self.first_recommendation == "BK":
            parts.append(f"appeal_{self.appeal}")
        return "+".join(parts) or "happy"

    @property
    def expected_final(self) -> str:
        if not self.pay:
            return "cancelled"
        if self.first_recommendation == "BK" and self.appeal == "rejected":
            return "appeal_rejected"
        return "completed"

    def expected_statuses(self) -> list[str]:
        """SIKI's timeline, in order, when everything goes as planned."""
        s = ["submitted", "forwarded"]
        if self.return_first:
            s += ["returned", "submitted", "forwarded"]
        s += ["accepted", "invoiced"]
        if not self.pay:
            return [*s, "cancelled"]
        if self.reject_payment_first:
            s += ["payment_uploaded", "payment_rejected"]
        s += ["payment_uploaded", "payment_verified", "in_certification", "scheduled", "assessed"]
        if self.first_recommendation == "BK":
            s += ["not_yet_competent", "appealed"]
            if self.appeal == "rejected":
                return [*s, "appeal_rejected"]
            s += ["appeal_upheld", "scheduled", "assessed"]
        return [*s, "competent", "skk_numbered", "recorded", "certificate_issued", "completed"]


@dataclass
class JourneyResult:
    person: Person
    plan: Plan
    application_id: str | None = None
    final_status: str | None = None
    application: dict[str, Any] = field(default_factory=dict)
    certificate_pdf: bytes | None = None
    error: str | None = None
    started: float = 0.0
    finished: float = 0.0
    submitted_at: datetime | None = None
    issued_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.final_status == self.plan.expected_final

    @property
    def issue_latency(self) -> float | None:
        """Seconds from the (first) submission to the certificate issued, by the timeline."""
        if self.submitted_at is None or self.issued_at is None:
            return None
        return (self.issued_at - self.submitted_at).total_seconds()


class AssessmentDays:
    """Hands out assessment days so that no assessor is booked twice on one day."""

    def __init__(self, seed: int | None = None) -> None:
        start = random.Random(seed).randint(20, 400)  # noqa: S311 - test data
        self._next: dict[tuple[str, str], itertools.count[int]] = {}
        self._start = start

    def next(self, lsp_code: str, assessor: str) -> str:
        counter = self._next.setdefault((lsp_code, assessor), itertools.count(self._start))
        day = datetime.now(JAKARTA).date() + timedelta(days=next(counter))
        return datetime(day.year, day.month, day.day, 9, 0, tzinfo=JAKARTA).isoformat()


@dataclass
class Chain:
    """The clients of one running chain, shared by every journey of a run."""

    http: httpx.AsyncClient
    portal_url: str
    siki_url: str
    lpjk_url: str
    lsp_urls: dict[str, str]
    mailbox: Mailbox
    metrics: Metrics = field(default_factory=Metrics)
    step_timeout: float = 60.0
    days: AssessmentDays = field(default_factory=AssessmentDays)
    staff: dict[str, LspStaff] = field(default_factory=dict)
    poll_max_delay: float = 0.5
    poll_first_delay: float = 0.05

    def __post_init__(self) -> None:
        # The generated clients (clients/), built once per chain: every call goes through self.http.
        for code, url in self.lsp_urls.items():
            self.staff.setdefault(code, LspStaff(Service("lsp_client", self.http, url), self.metrics, code))
        self.siki = SikiOperator(Service("siki_client", self.http, self.siki_url), self.metrics)
        self.lpjk = Lpjk(Service("lpjk_mock_client", self.http, self.lpjk_url), self.metrics)
        self.portal_api = Service("portal_client", self.http, self.portal_url)

    def portal(self) -> Portal:
        return Portal(self.portal_api, self.metrics)

    async def login_staff(self) -> None:
        await asyncio.gather(*(s.token_of(u) for s in self.staff.values()
                               for u in ("admin", "asesor1", "asesor2", "komite", "komite2")))


# --- the applicant's steps ---------------------------------------------------------------


async def onboard(chain: Chain, person: Person, password: str = PASSWORD) -> Portal:
    """Register, open the link from the email, set the password, log in."""
    portal = chain.portal()
    await portal.register(person)
    mails = await chain.mailbox.wait_for(person.email, "", timeout=chain.step_timeout)
    with_link = [m for m in mails if "token=" in m.body]
    if not with_link:
        raise AssertionError(f"no activation link among the emails to {person.email}: {[m.subject for m in mails]}")
    await portal.activate(activation_token(with_link[-1]), password)
    await portal.login(person.email, password)
    return portal


async def upload_docs(portal: Portal, owner: str, kinds: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind in kinds:
        name, content, ctype = document(kind, owner)
        out[kind] = await portal.upload(kind, name, content, ctype)
    return out


def qualification_of(plan: Plan) -> dict[str, Any]:
    ref = get_reference()
    jk = ref.jabatan_kerja[plan.jabatan_kerja_code]
    sub = ref.subklasifikasi[jk["subklasifikasi_code"]]
    tuk = next(t["code"] for t in ref.tuks.values() if t["lsp_code"] == plan.lsp_code)
    return {
        "lsp_code": plan.lsp_code, "klasifikasi_code": sub["klasifikasi_code"], "subklasifikasi_code": sub["code"],
        "kualifikasi": jk["kualifikasi"], "jabatan_kerja_code": jk["code"], "jenjang": max(jk["jenjang"]),
        "asosiasi_code": plan.asosiasi_code, "kta_number": f"KTA-{plan.asosiasi_code}-{random.randint(10**5, 10**6)}",  # noqa: S311
        "tuk_code": tuk, "application_kind": "baru",
    }


async def fill_application(portal: Portal, person: Person, plan: Plan) -> str:
    """A new application with all seven sections saved; its id."""
    app = await portal.create_application("baru")
    app_id = str(app["id"])
    owner = person.email
    today = date.today()
    ahli = get_reference().jabatan_kerja[plan.jabatan_kerja_code]["kualifikasi"] == "Ahli"
    personal = {
        "nik": person.nik, "full_name": person.full_name, "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat(), "email": person.email, "phone": person.phone,
        "npwp": person.npwp, "gender": person.gender, "address": person.address, "country": "Indonesia",
        "province_code": person.province_code, "regency_code": person.regency_code,
        "postal_code": person.postal_code,
        "documents": await upload_docs(portal, owner, ("ktp", "npwp", "data_statement", "photo")),
    }
    await portal.put_section(app_id, "personal", personal)
    graduation = min(today.year - 8, person.birth_date.year + 23)
    await portal.put_section(app_id, "education", {"items": [{
        "institution": "Universitas Indonesia", "study_program": "Teknik Sipil",
        "diploma_number": f"UI/{graduation}/{random.randint(1000, 9999)}",  # noqa: S311
        "graduation_year": graduation,
        "level": "S1", "address": "Jl. Margonda Raya, Depok", "country": "Indonesia",
        "province_code": "32", "regency_code": "32.76",
        "documents": await upload_docs(portal, owner, ("diploma", "institution_statement")),
    }]})
    kind = "professional" if ahli else "work"
    await portal.put_section(app_id, "experience", {"items": [
        {"experience_kind": kind, "project_name": "Pembangunan Jalan Tol Trans Jawa", "province_code": "33",
         "start_date": (today - timedelta(days=365 * 7)).isoformat(),
         "end_date": (today - timedelta(days=365 * 3)).isoformat(), "position": "Pelaksana Lapangan",
         "project_value": "125000000000", "documents": await upload_docs(portal, owner, ("reference_letter",))},
        {"experience_kind": kind, "project_name": "Gedung Perkantoran Jakarta Selatan", "province_code": "31",
         "start_date": (today - timedelta(days=365 * 3 + 30)).isoformat(),
         "end_date": (today - timedelta(days=30)).isoformat(), "position": "Site Engineer",
         "project_value": "48000000000", "documents": await upload_docs(portal, owner, ("reference_letter",))},
    ]})
    await portal.put_section(app_id, "training", {"items": [{
        "organizer": "Balai Jasa Konstruksi", "name": "Pelatihan K3 Konstruksi",
        "start_date": (today - timedelta(days=400)).isoformat(), "end_date": (today - timedelta(days=396)).isoformat(),
        "lesson_hours": 40, "days": 5, "documents": await upload_docs(portal, owner, ("certificate",)),
    }]})
    await portal.put_section(app_id, "case_studies", {"items": []})
    await portal.put_section(app_id, "certificates", {"items": []})
    await put_qualification(portal, app_id, owner, plan)
    return app_id


async def put_qualification(portal: Portal, app_id: str, owner: str, plan: Plan) -> None:
    q = qualification_of(plan)
    q["documents"] = await upload_docs(portal, owner, ("application_letter", "apl01", "apl02"))
    await portal.put_section(app_id, "qualification", q)


# --- waiting on the two sides ----------------------------------------------------------------


def _stuck_in(final_ok: str) -> Any:
    def give_up(app: Any) -> str | None:
        status = app.get("status") if isinstance(app, dict) else None
        if status in FINAL_STATES and status != final_ok:
            return f"ended in {status!r}"
        return None
    return give_up


async def portal_reaches(chain: Chain, portal: Portal, app_id: str, status: str,
                         timeout: float | None = None) -> dict[str, Any]:
    return dict(await wait_until(
        f"portal application {app_id} -> {status}", lambda: portal.get_application(app_id),
        lambda a: a.get("status") == status, timeout=timeout or chain.step_timeout, give_up=_stuck_in(status),
        first_delay=chain.poll_first_delay, max_delay=chain.poll_max_delay,
    ))


async def lsp_reaches(chain: Chain, code: str, app_id: str, status: str) -> dict[str, Any]:
    staff = chain.staff[code]
    return dict(await wait_until(
        f"{code} application {app_id} -> {status}",
        lambda: staff.get_application(app_id, missing_ok=True),
        lambda a: a is not None and a.get("status") == status, timeout=chain.step_timeout,
        give_up=lambda a: _stuck_in(status)(a) if a else None,
        first_delay=chain.poll_first_delay, max_delay=chain.poll_max_delay,
    ))


async def schedule(chain: Chain, code: str, app_id: str, assessor: str) -> None:
    staff = chain.staff[code]
    tuk = next(t["code"] for t in get_reference().tuks.values() if t["lsp_code"] == code)
    for _ in range(10):
        try:
            await staff.schedule(app_id, assessor, tuk, chain.days.next(code, assessor))
            return
        except ApiError as exc:  # that assessor is already booked that day: take the next day
            if exc.status != 409 or "already" not in str(exc.body):
                raise
    raise AssertionError(f"could not schedule {app_id}: {assessor} booked on every day tried")


async def assess(chain: Chain, code: str, app_id: str, assessor: str, recommendation: str) -> None:
    staff = chain.staff[code]
    await schedule(chain, code, app_id, assessor)
    await staff.report(app_id, assessor, recommendation,
                       "Asesmen selesai; bukti memadai" if recommendation == "K" else "Bukti belum memadai")
    await staff.decide(app_id, "kompeten" if recommendation == "K" else "belum_kompeten", "komite")


def timeline_stamps(app: dict[str, Any]) -> list[tuple[str, datetime]]:
    """The application view's timeline as (status, when), in order."""
    return [(str(t.get("status")), datetime.fromisoformat(str(t["at"]).replace("Z", "+00:00")))
            for t in app.get("timeline") or [] if t.get("at")]


def _timeline_at(app: dict[str, Any], status: str, last: bool = False) -> datetime | None:
    items = [at for s, at in timeline_stamps(app) if s == status]
    if not items:
        return None
    return items[-1 if last else 0]


# --- the journey ---------------------------------------------------------------------------


async def run_journey(chain: Chain, person: Person, plan: Plan, *, portal: Portal | None = None,
                      app_id: str | None = None, first_assessor: str = "asesor1") -> JourneyResult:
    """Drive one application from (registration or a filled draft) to its final state.

    ``portal``/``app_id`` let a caller onboard and fill beforehand (the benchmark times only
    what follows). Never raises: a failure is in ``result.error``."""
    result = JourneyResult(person=person, plan=plan, started=time.monotonic())
    code = plan.lsp_code
    staff = chain.staff[code]
    try:
        if portal is None:
            portal = await onboard(chain, person)
        if app_id is None:
            app_id = await fill_application(portal, person, plan)
        result.application_id = app_id
        await portal.submit(app_id)
        await lsp_reaches(chain, code, app_id, "forwarded")
        if plan.return_first:
            await staff.verify_application(app_id, "rejected", ["APL-02 belum ditandatangani asesi"])
            returned = await portal_reaches(chain, portal, app_id, "returned")
            if not returned.get("reasons") and "APL-02" not in str(returned):
                raise AssertionError("returned without the LSP's reasons on the portal")
            await put_qualification(portal, app_id, person.email, plan)  # the fixed APL-02
            await portal.submit(app_id)
            await lsp_reaches(chain, code, app_id, "forwarded")
        await staff.verify_application(app_id, "accepted")
        invoiced = await portal_reaches(chain, portal, app_id, "invoiced")
        if not plan.pay:
            due = date.fromisoformat(str((invoiced.get("invoice") or {})["due_date"])[:10])
            await staff.deadline_sweep((due + timedelta(days=1)).isoformat())
            result.application = await portal_reaches(chain, portal, app_id, "cancelled")
            result.final_status = "cancelled"
            return result
        await pay(portal, app_id, person)
        await lsp_reaches(chain, code, app_id, "payment_uploaded")
        if plan.reject_payment_first:
            await staff.verify_payment(app_id, "invalid", ["Nominal transfer tidak sesuai tagihan"])
            await portal_reaches(chain, portal, app_id, "payment_rejected")
            await pay(portal, app_id, person)
            await lsp_reaches(chain, code, app_id, "payment_uploaded")
        await staff.verify_payment(app_id, "valid")
        await staff.start_certification(app_id)
        second_assessor = "asesor2" if first_assessor == "asesor1" else "asesor1"
        await assess(chain, code, app_id, first_assessor, plan.first_recommendation)
        if plan.first_recommendation == "BK":
            await portal_reaches(chain, portal, app_id, "not_yet_competent")
            await portal.file_appeal(app_id, "Saya keberatan: bukti portofolio proyek belum diperiksa asesor.")
            await lsp_reaches(chain, code, app_id, "appealed")
            # Not the komite who decided Belum Kompeten (SPEC section 8): another member answers.
            await staff.decide_appeal(app_id, plan.appeal or "rejected", "komite2")
            if plan.appeal != "upheld":
                result.application = await portal_reaches(chain, portal, app_id, "appeal_rejected")
                result.final_status = "appeal_rejected"
                return result
            await lsp_reaches(chain, code, app_id, "appeal_upheld")
            await assess(chain, code, app_id, second_assessor, "K")
        await portal_reaches(chain, portal, app_id, "certificate_issued")
        pdf = await portal.download_certificate(app_id)
        if not pdf.content.startswith(b"%PDF-"):
            raise AssertionError(f"the certificate is not a PDF: {pdf.headers.get('content-type')}")
        result.certificate_pdf = pdf.content
        result.application = await portal_reaches(chain, portal, app_id, "completed")
        result.final_status = "completed"
    except Exception as exc:  # reported per applicant, the run goes on
        result.error = f"{type(exc).__name__}: {exc}"
        if portal is not None and app_id is not None:
            try:
                result.application = await portal.get_application(app_id)
                result.final_status = str(result.application.get("status"))
            except Exception:  # noqa: S110 - best effort for the report
                pass
    finally:
        result.finished = time.monotonic()
        if result.application:
            result.submitted_at = _timeline_at(result.application, "submitted")
            result.issued_at = _timeline_at(result.application, "certificate_issued", last=True)
    return result


async def pay(portal: Portal, app_id: str, person: Person) -> None:
    name, content, ctype = document("payment_proof", person.email)
    await portal.upload_payment_proof(app_id, name, content, ctype)
