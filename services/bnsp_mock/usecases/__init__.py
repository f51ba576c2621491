"""The bnsp service's use cases: what it does, independent of HTTP."""
