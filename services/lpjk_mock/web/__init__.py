"""LPJK public verification pages."""
