"""The open JSON API, version 1 (see routes.py)."""
