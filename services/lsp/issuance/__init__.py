"""Issuance after a Kompeten decision: BNSP numbers, LPJK recording, the signed e-certificate."""
