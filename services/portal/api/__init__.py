"""HTTP routes of the portal service: parse, authorise, call the domain, respond."""
