"""Import a WordPress site from its WXR export (``manage.py import_wordpress``).

- ``parser`` reads the export safely into plain data classes (no database, no network);
- ``content`` turns WordPress post content into our clean HTML;
- ``mapping`` holds the rules that translate WordPress values into ours (status, times,
  slugs, attribution, old addresses);
- ``importer`` writes authors, sections, tags, images, articles and redirects, one post per
  transaction, and fills a ``report.ImportReport``.

docs/import-wordpress.md describes what is imported and how.
"""
