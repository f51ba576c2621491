"""One LSP's own certification system (one instance per LSP)."""
