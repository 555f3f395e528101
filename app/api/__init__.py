"""JSON routers."""
