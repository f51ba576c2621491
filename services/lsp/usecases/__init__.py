"""The LSP's use cases, one module per group; each takes the :class:`LspContext` (its ports) and
raises :mod:`shared.exceptions` errors (or the domain's subclasses of them), never HTTP ones."""
