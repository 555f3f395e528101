"""The kommun's own files, uploaded by its administrators in the back office (issue 12)."""
