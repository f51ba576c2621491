"""HTTP routes of the bnsp service: parse, authorise, call the domain, respond."""
