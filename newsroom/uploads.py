"""Moved to ``images.uploads``; kept only for the WordPress importer's imports.

The importer (``articles/wordpress/``) is being moved to ``imports/wordpress/`` in parallel
(issue #20, step 5); it imports the new path there and this module goes with that change.
Nothing else may import it: ``newsroom/`` imports no app.
"""

from images.uploads import safe_upload_name

__all__ = ["safe_upload_name"]
