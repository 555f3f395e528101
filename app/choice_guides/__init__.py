"""The kommun's administrators write its choice guides (issue 12): who can choose, how to
apply, whom to ask, what happens without a choice and how to change, in Swedish with
optional English. `service.py` validates and saves; only `views.py` knows about the web."""
