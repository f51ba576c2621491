"""SIKI operator pages."""
