"""The siki service's rules as plain Python (no I/O)."""
