"""What each check found, in plain words: Bahasa Indonesia (the default: tender committees read
it) with the English key term in brackets, or English (``--lang en``). Codes are stable (the
``--json`` output carries them); docs/VERIFYING.md explains each and what to do."""

from __future__ import annotations

from typing import Any

Lang = str  # "id" or "en"

# code -> (Bahasa Indonesia, English); {placeholders} come from the check's params.
MESSAGES: dict[str, tuple[str, str]] = {
    # passed
    "pdf_signature_ok": ("Tanda tangan elektronik PDF utuh (PAdES signature intact): ditandatangani oleh {signer}"
                         "{signed_at}, tidak ada perubahan sesudahnya",
                         "PDF signature intact (PAdES): signed by {signer}{signed_at}, nothing changed since"),
    "pdf_signer_trusted": ("Penanda tangan tepercaya (trust anchor): sertifikat {owner}, kid {kid}",
                           "Signer trusted (trust anchor): certificate of {owner}, kid {kid}"),
    "payload_in_pdf": ("Payload QR dibaca dari metadata PDF yang ditandatangani (embedded verification URL)",
                       "QR payload read from the PDF's signed metadata (embedded verification URL)"),
    "qr_matches": ("Kode QR pada sertifikat sama persis dengan payload yang ditandatangani (QR matches)",
                   "The QR code printed on the certificate is exactly the signed payload's (QR matches)"),
    "number_matches": ("Nomor Pencatatan LPJK tercetak {number} sama dengan payload",
                       "The printed LPJK recording number {number} is the payload's"),
    "url_matches": ("URL verifikasi menunjuk nomor pencatatan yang sama dengan payload",
                    "The verification URL names the payload's recording number"),
    "payload_signature_ok": ("Tanda tangan LPJK pada payload QR sah (signature valid), kunci (key id) {kid}",
                             "LPJK's signature on the QR payload is valid, key id {kid}"),
    "credential_signature_ok": ("Tanda tangan LPJK pada kredensial sah (signature valid), kunci (key id) {kid}",
                                "LPJK's signature on the credential is valid, key id {kid}"),
    "status_list_ok": ("Daftar status {purpose} (status list) asli, ditandatangani LPJK (kid {kid}), "
                       "berlaku sampai {valid_until}",
                       "The {purpose} status list is genuine, signed by LPJK (kid {kid}), valid until {valid_until}"),
    "not_revoked": ("Tidak dicabut (not revoked) menurut daftar status, indeks {index}",
                    "Not revoked according to the status list, index {index}"),
    "not_suspended": ("Tidak dibekukan (not suspended) menurut daftar status, indeks {index}",
                      "Not suspended according to the status list, index {index}"),
    "dates_ok": ("Masa berlaku (validity) {valid_from} s.d. {valid_until}: berlaku pada {today}",
                 "Validity {valid_from} to {valid_until}: valid on {today}"),
    # failed
    "unreadable_pdf": ("Berkas bukan PDF yang dapat dibaca (unreadable PDF)", "The file is not a readable PDF"),
    "pdf_unsigned": ("PDF TIDAK bertanda tangan elektronik (no signature)", "The PDF carries NO electronic signature"),
    "pdf_signature_broken": ("Tanda tangan PDF RUSAK (signature broken): isi berkas diubah setelah ditandatangani "
                             "atau tanda tangannya tidak sah",
                             "The PDF signature is BROKEN: the file was changed after signing, or the signature "
                             "is not valid"),
    "pdf_changed_after_signing": ("PDF DIUBAH setelah ditandatangani (changed after signing)",
                                  "The PDF was CHANGED after it was signed"),
    "pdf_untrusted_signer": ("Penanda tangan {signer} TIDAK ADA dalam daftar tepercaya LPJK (untrusted signer)",
                             "The signer {signer} is NOT in LPJK's trust list (untrusted signer)"),
    "pdf_no_payload": ("PDF tidak memuat URL verifikasi dalam metadatanya (no embedded payload): periksa dengan "
                       "--qr (pindai kode QR) atau di situs LPJK",
                       "The PDF carries no verification URL in its metadata: check it with --qr (scan the QR "
                       "code) or on LPJK's site"),
    "qr_mismatch": ("Kode QR pada sertifikat BUKAN milik payload yang ditandatangani (QR does not match)",
                    "The QR code printed on the certificate is NOT the signed payload's (QR does not match)"),
    "number_mismatch": ("Nomor Pencatatan tercetak {printed} BERBEDA dengan payload {number}",
                        "The printed recording number {printed} DIFFERS from the payload's {number}"),
    "url_mismatch": ("URL verifikasi menunjuk nomor {in_url}, payload menyebut {number} (URL tampered)",
                     "The verification URL names {in_url} but the payload says {number} (URL tampered)"),
    "payload_missing": ("Tidak ada payload QR (diharapkan URL verifikasi dari kode QR, atau payload-nya)",
                        "No QR payload (expected the QR code's verification URL, or its payload)"),
    "payload_malformed": ("Payload QR rusak, bukan payload LPJK (malformed payload)",
                          "Malformed QR payload (not LPJK's compact payload nor a JWS)"),
    "bad_signature": ("Tanda tangan {what} TIDAK SAH (bad signature): isinya diubah atau bukan ditandatangani LPJK",
                      "BAD SIGNATURE on the {what}: its content was changed, or LPJK did not sign it"),
    "unknown_key": ("Kunci (key id) {kid} TIDAK DIKENAL: tidak ada dalam daftar tepercaya (unknown key)",
                    "UNKNOWN KEY: key id {kid} is not in the trust list"),
    "key_revoked": ("Kunci (key id) {kid} telah DICABUT oleh LPJK (key revoked)",
                    "Key id {kid} has been REVOKED by LPJK"),
    "key_retired_before": ("Diterbitkan {issued} setelah kunci {kid} dipensiunkan {retired} (key retired)",
                           "Issued {issued}, after key {kid} was retired on {retired}"),
    "payload_invalid": ("Payload tidak sah: {reason}", "Invalid payload: {reason}"),
    "credential_invalid": ("Kredensial tidak sah: {reason}", "Invalid credential: {reason}"),
    "revoked": ("Sertifikat DICABUT (revoked) menurut daftar status LPJK, indeks {index}",
                "The certificate is REVOKED according to LPJK's status list, index {index}"),
    "suspended": ("Sertifikat DIBEKUKAN (suspended) menurut daftar status LPJK, indeks {index}",
                  "The certificate is SUSPENDED according to LPJK's status list, index {index}"),
    "status_index_missing": ("Tidak ada indeks daftar status (status list index): status pencabutan/pembekuan tidak "
                             "dapat diperiksa luring; periksa di situs LPJK",
                             "No status list index: revocation and suspension cannot be checked offline; check "
                             "on LPJK's site"),
    "status_index_bad": ("Indeks daftar status {index} tidak sah ({reason})", "Status list index {index} is invalid "
                         "({reason})"),
    "status_list_missing": ("Daftar status {purpose} (status list) tidak diberikan atau tidak asli: status tidak "
                            "dapat dipastikan; jalankan skk fetch-trust",
                            "No genuine {purpose} status list given: the status cannot be confirmed; run "
                            "skk fetch-trust"),
    "status_list_not_genuine": ("Daftar status {file} TIDAK ASLI (not genuine): {reason}",
                                "The status list {file} is NOT GENUINE: {reason}"),
    "expired": ("Sertifikat KEDALUWARSA (expired): berlaku sampai {valid_until}, hari ini {today}",
                "The certificate has EXPIRED: valid until {valid_until}, today {today}"),
    "not_yet_valid": ("Sertifikat BELUM BERLAKU (not yet valid): berlaku mulai {valid_from}, hari ini {today}",
                      "The certificate is NOT YET VALID: valid from {valid_from}, today {today}"),
    # warnings
    "status_list_stale": ("PERINGATAN: daftar status {purpose} sudah lewat masa berlakunya {valid_until} (stale): "
                          "pencabutan terbaru mungkin belum termuat; unduh lagi dengan skk fetch-trust",
                          "WARNING: the {purpose} status list is past its validUntil {valid_until} (stale): a "
                          "recent revocation may be missing; download it again with skk fetch-trust"),
}

VERDICT = {
    True: ("SAH (VALID)", "VALID"),
    False: ("TIDAK SAH (NOT VALID)", "NOT VALID"),
}

LABELS: dict[str, tuple[str, str]] = {
    "ok": ("OK   ", "OK   "), "fail": ("GAGAL", "FAIL "), "warn": ("PERINGATAN", "WARN "),
    "holder": ("Pemegang", "Holder"), "recording_number": ("Nomor Pencatatan LPJK", "LPJK recording number"),
    "skk_number": ("Nomor SKK", "SKK number"), "jabatan_kerja": ("Jabatan kerja", "Jabatan kerja"),
    "validity": ("Masa berlaku", "Validity"), "what_wrong": ("Yang salah", "What is wrong"),
    "checks": ("Pemeriksaan", "Checks"), "qr payload": ("payload QR", "QR payload"),
    "credential": ("kredensial", "credential"),
}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang == "en" else pair[0]


def label(key: str, lang: Lang) -> str:
    return _pick(LABELS[key], lang)


def text(code: str, params: dict[str, Any], lang: Lang) -> str:
    values = {k: (label(v, lang) if k == "what" and v in LABELS else v) for k, v in params.items()}
    return _pick(MESSAGES[code], lang).format(**values)


def verdict(valid: bool, lang: Lang) -> str:
    return _pick(VERDICT[valid], lang)
