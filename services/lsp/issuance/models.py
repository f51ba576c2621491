"""Tables of the issuance steps (in the LSP's database)."""

from __future__ import annotations
