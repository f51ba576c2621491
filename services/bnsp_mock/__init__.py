"""BNSP: issues SKK numbers and BNSP registration numbers."""
