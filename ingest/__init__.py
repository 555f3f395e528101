"""Ingest jobs: sources -> validation -> SQL (one transaction) -> search index."""
