"""Accounts for the back office: kommun administrators and provider editors.

`service.py` holds the rules (no web imports); `guards.py` turns a request into a Caller and
decides access; `views.py` has the pages for signing in, invitations and users."""
