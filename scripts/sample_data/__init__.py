"""Invented data in the format of data/README.md: the committed fictional sample
(data/sample/) and a synthetic nation for benchmarks.

The code is short and general; what varies (names, places, brands, indicator
distributions, choice-guide texts, levels, the awkward cases) lives in spec/. One
`random.Random(seed)` drives every choice, so a seed always gives byte-identical files.
"""

from .generate import generate, generate_nation

__all__ = ["generate", "generate_nation"]
