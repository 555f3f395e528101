"""The kommun follows up (issue 12): its levels and their history, an overview of its units
with the poor tail, and what information is missing. Services take plain arguments; only
`views.py` knows about the web."""
