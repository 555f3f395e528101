"""HTML routers (server-rendered pages)."""
