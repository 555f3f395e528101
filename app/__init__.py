"""Välfärdsjämföraren: a citizen-facing comparison service for Swedish kommuner."""
