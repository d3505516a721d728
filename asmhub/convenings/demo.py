"""Demo convenings (written next)."""
