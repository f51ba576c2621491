"""The portal's adapters to other parties (SIKI)."""
