"""SIKI, LPJK's hub: routes applications to LSPs, keeps the timeline and the SKK register."""
