"""Open data downloads: the figures per kommun and service type, and the units as HSDS."""
