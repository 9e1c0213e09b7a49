"""Import a WordPress site from its WXR export (``manage.py import_wordpress``).

Reading and converting (no database, no network):

- ``parser`` reads the export safely into plain data classes;
- ``content`` turns WordPress post content into our clean HTML, step by step in
  ``shortcodes``, ``paragraphs`` and ``links``, with ``uploads`` (old file addresses),
  ``attribution`` ("originally published at") and ``text`` (plain text);
- ``mapping`` holds the rules that translate WordPress values into ours (status, times,
  slugs, attribution, old addresses).

Writing, one record per transaction (``run``), in the order ``importer.Importer`` runs them:
``authors``, ``taxonomy`` (sections and tags), ``media`` (images), ``posts`` (articles).
What each record became is kept in the ``ledger``; old addresses become ``redirects``;
status, times and revisions are written only by ``workflow``; ``report`` says what happened.

docs/import-wordpress.md describes what is imported and how.
"""
