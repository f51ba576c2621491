"""The checks of ``skk verify``: a certificate PDF, a QR payload or a Verifiable Credential judged
against LPJK's trust list and status lists, each check named with what it found. No network.

A QR payload is in one of LPJK's two forms, both signed with EdDSA under a ``kid`` and carrying the
claims ``iss`` = LPJK, ``rn``, ``skk``, ``nm``, ``jk``, ``vf``, ``vu`` and ``si`` (the certificate's
index in the status lists): the compact COSE_Sign1 behind ``{PUBLIC_URL}/V/`` that LPJK signs
since issue 16 (scripts/verify/compact.py) and the JWS of certificates issued before it (``?qr=``;
checked with PyJWT). Both are checked against the trust list's ``qr`` keys rather than by
importing LPJK's service code: the verifier stands on the published formats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from scripts.verify import compact
from scripts.verify.inputs import StatusLists
from shared.certificate_pdf import check_signature, looks_like_pdf, qr_shows, read_certificate
from shared.credentials import PURPOSES, CredentialError, KeyPurpose, TrustedKey, TrustList, verify_credential

WIB = timezone(timedelta(hours=7))  # LPJK judges validity dates in Western Indonesian Time
QR_CLAIMS = ("rn", "skk", "nm", "jk", "vf", "vu")
Level = Literal["ok", "fail", "warn"]


@dataclass(frozen=True)
class Check:
    code: str
    level: Level
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    kind: str  # pdf, qr or credential
    checks: list[Check] = field(default_factory=list)
    subject: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return bool(self.checks) and not any(c.level == "fail" for c in self.checks)

    def ok(self, code: str, **params: Any) -> None:
        self.checks.append(Check(code, "ok", params))

    def fail(self, code: str, **params: Any) -> None:
        self.checks.append(Check(code, "fail", params))

    def warn(self, code: str, **params: Any) -> None:
        self.checks.append(Check(code, "warn", params))


def wib_today() -> date:
    return datetime.now(WIB).date()


@dataclass(frozen=True)
class Verifier:
    trust: TrustList
    status: StatusLists
    today: date
    now: datetime  # when status lists are judged stale

    @classmethod
    def at(cls, trust: TrustList, status: StatusLists, today: date | None = None) -> Verifier:
        if today is None:
            return cls(trust, status, wib_today(), datetime.now(UTC))
        return cls(trust, status, today, datetime.combine(today, datetime.min.time(), WIB))

    # -- the three inputs ----------------------------------------------------------------------

    def verify_qr(self, payload: str) -> Result:
        result = Result("qr")
        self._status_list_checks(result)
        self._payload(result, payload)
        return result

    def verify_credential(self, token: str) -> Result:
        result = Result("credential")
        self._status_list_checks(result)
        self._credential(result, token.strip())
        return result

    def verify_pdf(self, data: bytes) -> Result:
        result = Result("pdf")
        findings = read_certificate(data) if looks_like_pdf(data) else None
        if findings is None or not findings.readable:
            result.fail("unreadable_pdf")
            return result
        self._status_list_checks(result)
        self._pdf_signature(result, data)
        if findings.verification_url is None:
            result.fail("pdf_no_payload")
            return result
        result.ok("payload_in_pdf")
        claims = self._payload(result, findings.verification_url)
        if qr_shows(findings.qr_pixels, findings.verification_url):
            result.ok("qr_matches")
        else:
            result.fail("qr_mismatch")
        if claims is not None:
            if findings.recording_number == claims["rn"]:
                result.ok("number_matches", number=claims["rn"])
            else:
                result.fail("number_mismatch", printed=findings.recording_number or "-", number=claims["rn"])
        return result

    # -- parts -------------------------------------------------------------------------------

    def _status_list_checks(self, result: Result) -> None:
        for source, reason in self.status.rejected.items():
            result.fail("status_list_not_genuine", file=source, reason=reason)
        for purpose in PURPOSES:
            sl = self.status.lists.get(purpose)
            if sl is None:
                continue
            until = sl.valid_until.isoformat() if sl.valid_until else "-"
            result.ok("status_list_ok", purpose=purpose, kid=sl.kid, valid_until=until)
            if sl.valid_until is not None and sl.valid_until < self.now:
                result.warn("status_list_stale", purpose=purpose, valid_until=until)

    def _key(self, kid: object, purpose: KeyPurpose) -> TrustedKey | None:
        return next((k for k in self.trust.keys if k.kid == kid and purpose in k.purposes), None)

    def _usable_key(self, result: Result, kid: object, purpose: KeyPurpose) -> bool:
        entry = self._key(kid, purpose)
        if entry is None:
            result.fail("unknown_key", kid=repr(kid))
            return False
        if entry.status == "revoked":
            result.fail("key_revoked", kid=kid)
            return False
        return True

    def _retired_check(self, result: Result, kid: str, purpose: KeyPurpose, issued: date) -> None:
        """A retired key signed nothing after its ``valid_until``: something dated later is forged
        with a leaked key, or back-dated."""
        entry = self._key(kid, purpose)
        if entry is not None and entry.valid_until is not None and entry.status == "retired":
            retired = entry.valid_until.astimezone(WIB).date()
            if issued > retired:
                result.fail("key_retired_before", kid=kid, issued=issued.isoformat(), retired=retired.isoformat())

    def _payload(self, result: Result, payload: str) -> dict[str, Any] | None:
        token, url = _token_of(payload)
        if not token:
            result.fail("payload_missing")
            return None
        opened = self._compact(result, token) if compact.is_compact(token) else self._jws(result, token)
        if opened is None:
            return None
        kid, claims = opened
        missing = [c for c in QR_CLAIMS if c not in claims]
        dates = _dates(claims.get("vf"), claims.get("vu"))
        if missing or dates is None:
            result.fail("payload_invalid", reason=f"missing or malformed claims {', '.join(missing) or 'vf/vu'}")
            return None
        result.ok("payload_signature_ok", kid=kid)
        result.subject.update(recording_number=str(claims["rn"]), skk_number=str(claims["skk"]),
                              holder=str(claims["nm"]), jabatan_kerja=str(claims["jk"]),
                              valid_from=dates[0].isoformat(), valid_until=dates[1].isoformat())
        self._retired_check(result, str(kid), "qr", dates[0])
        if url is not None and compact.payload_of_url(url) is None:  # a compact URL names no number
            in_url = _number_in_url(url)
            if in_url == claims["rn"]:
                result.ok("url_matches")
            else:
                result.fail("url_mismatch", in_url=in_url or "-", number=claims["rn"])
        self._validity(result, *dates)
        self._statuses(result, {p: claims.get("si") for p in PURPOSES})
        return claims

    def _compact(self, result: Result, text: str) -> tuple[str, dict[str, Any]] | None:
        """(kid, claims) of a compact payload whose signature holds, or None with the failure."""
        try:
            sign1 = compact.open_sign1(text)
        except compact.NotCompact:
            result.fail("payload_malformed")
            return None
        if sign1.alg != compact.EDDSA:
            result.fail("payload_invalid", reason=f"unexpected algorithm {sign1.alg!r}")
            return None
        if not self._usable_key(result, sign1.kid, "qr"):
            return None
        if not sign1.verifies_with(self.trust.ed25519_keys("qr")[sign1.kid]):
            result.fail("bad_signature", what="qr payload")
            return None
        try:
            claims = compact.claims(sign1)
        except compact.NotCompact as exc:
            result.fail("payload_invalid", reason=str(exc))
            return None
        if claims.get("iss") != "LPJK":
            result.fail("payload_invalid", reason="not issued by LPJK")
            return None
        return sign1.kid, claims

    def _jws(self, result: Result, token: str) -> tuple[str, dict[str, Any]] | None:
        """(kid, claims) of a JWS payload (certificates issued before the compact form)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            result.fail("payload_malformed")
            return None
        kid = header.get("kid")
        if header.get("alg") != "EdDSA":
            result.fail("payload_invalid", reason=f"unexpected algorithm {header.get('alg')!r}")
            return None
        if not self._usable_key(result, kid, "qr"):
            return None
        key = self.trust.ed25519_keys("qr")[str(kid)]
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=["EdDSA"], issuer="LPJK",
                options={"require": ["iss"], "verify_exp": False, "verify_nbf": False})
        except jwt.InvalidSignatureError:
            result.fail("bad_signature", what="qr payload")
            return None
        except (jwt.InvalidIssuerError, jwt.MissingRequiredClaimError):
            result.fail("payload_invalid", reason="not issued by LPJK")
            return None
        except jwt.PyJWTError as exc:
            result.fail("payload_invalid", reason=str(exc))
            return None
        return str(kid), claims

    def _credential(self, result: Result, token: str) -> None:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            result.fail("credential_invalid", reason="not a compact JWS (vc+jwt)")
            return
        kid = header.get("kid")
        if not self._usable_key(result, kid, "credential"):
            return
        try:
            _, credential = verify_credential(token, self.trust.ed25519_keys("credential"))
        except CredentialError as exc:
            if isinstance(exc.__cause__, jwt.InvalidSignatureError):
                result.fail("bad_signature", what="credential")
            else:
                result.fail("credential_invalid", reason=str(exc))
            return
        dates = _dates(credential.get("validFrom"), credential.get("validUntil"))
        if dates is None:
            result.fail("credential_invalid", reason="validFrom/validUntil missing or malformed")
            return
        result.ok("credential_signature_ok", kid=kid)
        subject = credential.get("credentialSubject")
        found = dict(_fields(subject))
        result.subject.update({k: v for k, v in (
            ("recording_number", found.get("recording_number")), ("skk_number", found.get("skk_number")),
            ("holder", found.get("name") or found.get("full_name") or found.get("holder_name_masked")),
            ("jabatan_kerja", found.get("jabatan_kerja_name") or found.get("jabatan_kerja_code")),
        ) if v})
        result.subject.update(valid_from=dates[0].isoformat(), valid_until=dates[1].isoformat())
        self._retired_check(result, str(kid), "credential", dates[0])
        self._validity(result, *dates)
        entries = credential.get("credentialStatus")
        entries = [entries] if isinstance(entries, dict) else entries if isinstance(entries, list) else []
        indexes: dict[str, object] = {}
        for entry in entries:
            if isinstance(entry, dict) and entry.get("statusPurpose") in PURPOSES:
                indexes[str(entry["statusPurpose"])] = entry.get("statusListIndex")
        self._statuses(result, {p: indexes.get(p) for p in PURPOSES})

    def _pdf_signature(self, result: Result, data: bytes) -> None:
        roots = self.trust.certificates("pdf")
        sig = check_signature(data, list(roots.values()))
        signed_at = f" ({sig.signed_at.isoformat(timespec='seconds')})" if sig.signed_at else ""
        if not sig.present:
            result.fail("pdf_unsigned")
            return
        if not (sig.intact and sig.valid):
            result.fail("pdf_signature_broken")
            return
        if not sig.unchanged_since:
            result.fail("pdf_changed_after_signing")
            return
        result.ok("pdf_signature_ok", signer=sig.signer or "?", signed_at=signed_at)
        kid = _anchor(sig.signer_certificate, roots)
        if not sig.trusted or kid is None:
            result.fail("pdf_untrusted_signer", signer=sig.signer or "?")
            return
        entry = self._key(kid, "pdf")
        result.ok("pdf_signer_trusted", owner=entry.owner if entry else "?", kid=kid)
        if sig.signed_at is not None:
            self._retired_check(result, kid, "pdf", sig.signed_at.astimezone(WIB).date())

    def _validity(self, result: Result, valid_from: date, valid_until: date) -> None:
        params = {"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat(),
                  "today": self.today.isoformat()}
        if self.today < valid_from:
            result.fail("not_yet_valid", **params)
        elif self.today > valid_until:
            result.fail("expired", **params)
        else:
            result.ok("dates_ok", **params)

    def _statuses(self, result: Result, indexes: dict[str, object]) -> None:
        if all(v is None for v in indexes.values()):
            result.fail("status_index_missing")
            return
        for purpose in PURPOSES:
            raw = indexes.get(purpose)
            try:
                index = int(str(raw))
                if index < 0:
                    raise ValueError("negative")
            except ValueError:
                result.fail("status_index_bad", index=raw, reason="not a whole number")
                continue
            sl = self.status.lists.get(purpose)
            if sl is None:
                result.fail("status_list_missing", purpose=purpose)
                continue
            try:
                is_set = sl.is_set(index)
            except CredentialError as exc:
                result.fail("status_index_bad", index=index, reason=str(exc))
                continue
            word = "revoked" if purpose == "revocation" else "suspended"
            if is_set:
                result.fail(word, index=index)
            else:
                result.ok(f"not_{word}", index=index)


def _token_of(payload: str) -> tuple[str, str | None]:
    """(the payload, the verification URL it came in, if any): ``…/V/{compact}`` or ``…?qr={JWS}``."""
    text = payload.strip()
    if "://" in text:
        found = compact.payload_of_url(text)
        if found is not None:
            return found, text
        values = parse_qs(urlsplit(text).query).get("qr")
        return (values[0] if values else ""), text
    return text, None


def _number_in_url(url: str) -> str | None:
    path = urlsplit(url).path.rstrip("/")
    return unquote(path.rsplit("/", 1)[-1]) if "/certificates/" in path else None


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(WIB).date()


def _dates(valid_from: object, valid_until: object) -> tuple[date, date] | None:
    start, end = _date(valid_from), _date(valid_until)
    return (start, end) if start is not None and end is not None else None


def _fields(value: object) -> Iterable[tuple[str, str]]:
    """Every scalar field of a credential subject, nested ones too (the achievement)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str | int) and not isinstance(v, bool):
                yield str(k), str(v)
            else:
                yield from _fields(v)
    elif isinstance(value, list):
        for item in value:
            yield from _fields(item)


def _anchor(signer_der: bytes | None, roots: dict[str, str]) -> str | None:
    """The trust list entry (kid) the signer's certificate is, or was issued by."""
    if signer_der is None:
        return None
    signer = x509.load_der_x509_certificate(signer_der)
    for kid, pem in roots.items():
        try:
            root = x509.load_pem_x509_certificate(pem.encode())
        except ValueError:
            continue
        if root.public_bytes(Encoding.DER) == signer_der or root.subject == signer.issuer:
            return kid
    return None
