"""The portal's emails, rendered from Jinja2 templates in ``templates/email`` (Bahasa Indonesia).

A template's first line is the subject, then a blank line, then the body. Emails are plain
text (``EmailRequested`` carries one text body), where HTML escaping would only garble a name
like "O'Neil"; what a plain-text value must not do is break out of its line (a name carrying
"\\n\\nAkun Anda DIBLOKIR..." must not become a paragraph of the official email). So every
inserted value is put on one line: control characters and line separators become spaces.
That holds even for rows stored before names were validated. An ``.html`` template, should
one be added, is HTML-autoescaped on top of that.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATE_DIR = Path(__file__).parent / "templates" / "email"
# Indonesia keeps no daylight saving time: a fixed offset needs no time-zone database.
WIB = timezone(timedelta(hours=7), "WIB")
_BREAKING = ("Cc", "Cf", "Zl", "Zp")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def one_line(value: Any) -> str:
    """``value`` as text that cannot leave its line."""
    text = "" if value is None else str(value)
    return "".join(" " if unicodedata.category(c) in _BREAKING else c for c in text)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html", "htm"), default_for_string=False),
        finalize=one_line,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_email(name: str, **values: Any) -> RenderedEmail:
    """Render ``templates/email/<name>.txt``; a value the template uses but was not given raises."""
    text = _environment().get_template(f"{name}.txt").render(**values)
    subject, _, body = text.partition("\n")
    return RenderedEmail(subject=subject.strip(), body=body.lstrip("\n"))


def local_time(at: datetime) -> str:
    """A moment as an Indonesian reader expects it: ``03-12-2026 14.05 WIB``."""
    return at.astimezone(WIB).strftime("%d-%m-%Y %H.%M WIB")
