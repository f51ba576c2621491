"""PDF layouts the LSP publishes (pure rendering: data in, bytes out; fpdf2 imported on use)."""
