import meilisearch

from app.settings import Settings


def make_client(settings: Settings) -> meilisearch.Client:
    # A short timeout: a slow or absent search server must not hold up a page.
    return meilisearch.Client(settings.meili_url, settings.meili_master_key or None, timeout=5)


def search_status(client: meilisearch.Client, index_uid: str) -> dict:
    """'ok' with the number of indexed providers, or 'unavailable' with the reason."""
    try:
        if client.health().get("status") != "available":
            return {"status": "unavailable", "detail": "server not available"}
        stats = client.index(index_uid).get_stats()
        return {"status": "ok", "documents": stats.number_of_documents}
    except Exception as exc:  # any failure means "not OK"; the reason is reported, not raised
        return {"status": "unavailable", "detail": type(exc).__name__}
