"""The web UI's shared parts: layout and form macros, CSS/JS, the message catalogue, Indonesian
formats, cookie sessions, CSRF and flash messages. Each service's pages live in
``services/<svc>/web/`` and render through a :class:`WebUI`."""

from shared.web.catalogue import Catalogue
from shared.web.csrf import CSRF_FIELD, CookieNames, CsrfRefused
from shared.web.formats import jakarta, rupiah, sisa_hari_kerja, tanggal, today_jakarta, waktu
from shared.web.problems import FORM, problem_errors
from shared.web.ui import LoginRequired, WebUI

__all__ = [
    "CSRF_FIELD", "FORM", "Catalogue", "CookieNames", "CsrfRefused",
    "LoginRequired", "WebUI", "jakarta", "problem_errors", "rupiah", "sisa_hari_kerja", "tanggal",
    "today_jakarta", "waktu",
]
