"""SIKI's use cases: each command one transaction in which the state change, its timeline
entries, their events and its webhook delivery are written together. The routes (api/) and the
consumers (events.py) call these; the rules themselves live in domain/."""
