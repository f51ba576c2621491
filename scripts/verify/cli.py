"""``skk verify`` and ``skk fetch-trust``: the command lines (scripts/skk.py wires them in).

``skk verify`` reads everything from files and opens no connection; ``skk fetch-trust`` is the
only part that uses the network: it downloads LPJK's trust list and both status lists, checks
them, and writes them where ``skk verify`` reads them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from scripts.verify import messages
from scripts.verify.checks import Result, Verifier
from scripts.verify.inputs import InputError, load_status_lists, load_trust_list, read_status_list
from shared.credentials import PURPOSES, CredentialError, TrustList

EXIT_VALID, EXIT_NOT_VALID, EXIT_UNUSABLE = 0, 1, 2
TRUST_FILE = "trust-list.json"


def add_parsers(sub: Any) -> None:
    v = sub.add_parser("verify", help="verify a certificate PDF, QR payload or credential offline",
                       description="Verify an SKK certificate offline with LPJK's trust list and status lists "
                                   "(download them first with skk fetch-trust). Exit 0 only when VALID.")
    v.add_argument("--trust-list", type=Path, required=True, help="LPJK's trust list (trust-list.json)")
    v.add_argument("--status-list", type=Path, action="append", default=[],
                   help="a status list (revocation.jwt, suspension.jwt); give both")
    what = v.add_mutually_exclusive_group(required=True)
    what.add_argument("--pdf", type=Path, help="the e-certificate PDF")
    what.add_argument("--qr", help="the QR code's content: the verification URL ({LPJK}/V/… or, on certificates issued "
                           "before, …?qr=<JWS>) or the bare payload")
    what.add_argument("--credential", type=Path, help="the Verifiable Credential (vc+jwt file)")
    v.add_argument("--today", type=date.fromisoformat, default=None,
                   help="judge validity on this date (YYYY-MM-DD; default today in WIB)")
    v.add_argument("--lang", choices=("id", "en"), default="id",
                   help="id: Bahasa Indonesia with the English key terms (default); en: English")
    v.add_argument("--json", action="store_true", help="print the result as JSON")

    f = sub.add_parser("fetch-trust", help="download LPJK's trust list and status lists (networked)")
    f.add_argument("--lpjk", required=True, help="LPJK's public URL, e.g. https://lpjk.example.go.id")
    f.add_argument("--out", type=Path, required=True, help="folder to write trust-list.json and <purpose>.jwt")
    f.add_argument("--timeout", type=float, default=30.0)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if args.command == "verify":
        return verify(args, out)
    return fetch_trust(args, out)


def verify(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        trust = load_trust_list(args.trust_list)
        status = load_status_lists(args.status_list, trust)
        verifier = Verifier.at(trust, status, args.today)
        if args.pdf is not None:
            result = verifier.verify_pdf(_read_bytes(args.pdf))
        elif args.credential is not None:
            result = verifier.verify_credential(_read_bytes(args.credential).decode("utf-8", "replace"))
        else:
            result = verifier.verify_qr(args.qr)
    except InputError as exc:
        print(f"skk verify: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.json:
        json.dump(as_json(result, args.lang), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(render(result, args.lang))
    return EXIT_VALID if result.valid else EXIT_NOT_VALID


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def as_json(result: Result, lang: str) -> dict[str, Any]:
    return {
        "valid": result.valid, "kind": result.kind, "subject": result.subject,
        "checks": [{"code": c.code, "level": c.level, "message": messages.text(c.code, c.params, lang),
                    "params": {k: str(v) for k, v in c.params.items()}} for c in result.checks],
        "problems": [c.code for c in result.checks if c.level == "fail"],
        "warnings": [c.code for c in result.checks if c.level == "warn"],
    }


def render(result: Result, lang: str) -> str:
    lines = [messages.verdict(result.valid, lang), ""]
    for key in ("holder", "recording_number", "skk_number", "jabatan_kerja"):
        if key in result.subject:
            lines.append(f"  {messages.label(key, lang)}: {result.subject[key]}")
    if "valid_from" in result.subject:
        lines.append(f"  {messages.label('validity', lang)}: {result.subject['valid_from']} - "
                     f"{result.subject['valid_until']}")
    lines += ["", messages.label("checks", lang) + ":"]
    for c in result.checks:
        lines.append(f"  [{messages.label(c.level, lang)}] {messages.text(c.code, c.params, lang)}")
    problems = [c for c in result.checks if c.level == "fail"]
    if problems:
        lines += ["", messages.label("what_wrong", lang) + ":"]
        lines += [f"  - {messages.text(c.code, c.params, lang)}" for c in problems]
    return "\n".join(lines) + "\n"


def fetch_trust(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    """Download, check (a list that does not verify is not written), then write."""
    import httpx

    base = args.lpjk.rstrip("/")
    try:
        with httpx.Client(timeout=args.timeout, follow_redirects=True) as client:
            r = client.get(f"{base}/api/v1/public/trust-list")
            r.raise_for_status()
            trust_json = r.content
            trust = TrustList.model_validate_json(trust_json)
            lists: dict[str, str] = {}
            for purpose in PURPOSES:
                r = client.get(f"{base}/api/v1/public/status-lists/{purpose}")
                r.raise_for_status()
                lists[purpose] = r.text.strip()
    except (httpx.HTTPError, ValueError) as exc:
        print(f"skk fetch-trust: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    for purpose, token in lists.items():
        try:
            found = read_status_list(token, trust, purpose)
        except CredentialError as exc:
            print(f"skk fetch-trust: the {purpose} status list does not verify: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
        if found.purpose != purpose:
            print(f"skk fetch-trust: {purpose} answered a {found.purpose} status list", file=sys.stderr)
            return EXIT_UNUSABLE
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / TRUST_FILE).write_bytes(trust_json)  # as LPJK published it
    for purpose, token in lists.items():
        (args.out / f"{purpose}.jwt").write_text(token + "\n", encoding="utf-8")
    print(f"wrote {args.out / TRUST_FILE} ({len(trust.keys)} keys) and "
          + ", ".join(str(args.out / f"{p}.jwt") for p in lists), file=out)
    return EXIT_VALID
