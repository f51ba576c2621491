"""HTTP routes of the lsp service: parse, authorise, call the domain, respond."""
