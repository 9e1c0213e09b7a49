"""Fixtures of the WordPress import tests: the old uploads folder and a full import."""

from pathlib import Path

import pytest
from PIL import Image

from tests.fixtures.wordpress import build_export
from tests.imports.helpers import run


@pytest.fixture
def media_dir(tmp_path) -> Path:
    """The old site's uploads folder: real images, one text file posing as a JPEG."""
    root = tmp_path / "uploads"
    for path, (width, height, colour, fmt) in build_export.MEDIA.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (width, height), colour).save(target, format=fmt)
    for path, data in build_export.BROKEN.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


@pytest.fixture
def imported(media_dir) -> str:
    return run(media_dir=str(media_dir))
