"""The provider presents itself: drafts an editor writes, the kommun's moderation queue, and
the safe Markdown the public page shows.

`service.py` holds the rules (no web imports), `markdown.py` the rendering, `views.py` the
pages under /utforare/{slug}/redigera and /admin/{kommun_slug}/granskning."""
