"""HTTP routes of the lpjk service: parse, authorise, call the domain, respond."""
