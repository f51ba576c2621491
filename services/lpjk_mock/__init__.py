"""LPJK recording: records SKK, issues signed QR codes, verifies certificates publicly."""
