"""Gradient identities, stated once and proved (derive prove)."""
