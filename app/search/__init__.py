"""Everything that talks to Meilisearch lives in this package."""
