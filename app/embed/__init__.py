"""Widgets for kommun websites: embed pages, the builder, the loader script and badges."""
