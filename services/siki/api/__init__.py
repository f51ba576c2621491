"""HTTP routes of the siki service: parse, authorise, call the domain, respond."""
