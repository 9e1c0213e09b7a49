"""Moved to ``images.validators``; kept only for the WordPress importer's imports.

The importer (``articles/wordpress/``) is being moved to ``imports/wordpress/`` in parallel
(issue #20, step 5); it imports the new path there and this module goes with that change.
Nothing else may import it: ``newsroom/`` imports no app.
"""

from images.validators import validate_alt_text, validate_image_file

__all__ = ["validate_alt_text", "validate_image_file"]
