"""Pillow-made illustrations for the demo: article images and book covers.

Every picture is drawn from a small recipe (a gradient and a few named shapes), and its alt
text is written from the same recipe, so the description always matches what was drawn.
No text is rendered and no outside image is used, so the demo carries no third-party rights.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

ARTICLE_SIZE = (1280, 800)
COVER_SIZE = (600, 900)
JPEG_QUALITY = 82

NUMBER_WORDS = {
    2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"
}  # fmt: skip


@dataclass(frozen=True)
class Colour:
    """A colour with the plain name alt text uses for it."""

    name: str
    rgb: tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    """A section's look: a two-colour background and accent colours for the shapes."""

    top: Colour
    bottom: Colour
    accents: tuple[Colour, ...]


PALETTES: dict[str, Palette] = {
    "Articles": Palette(
        top=Colour("deep teal", (12, 74, 78)),
        bottom=Colour("dark blue", (18, 30, 66)),
        accents=(
            Colour("amber", (240, 170, 60)),
            Colour("cream", (244, 236, 214)),
            Colour("coral", (232, 106, 84)),
            Colour("sea green", (72, 170, 140)),
        ),
    ),
    "Opinion": Palette(
        top=Colour("deep crimson", (112, 22, 40)),
        bottom=Colour("dark plum", (56, 22, 58)),
        accents=(
            Colour("gold", (236, 190, 80)),
            Colour("pale pink", (246, 204, 206)),
            Colour("orange", (240, 128, 48)),
            Colour("ivory", (250, 246, 232)),
        ),
    ),
    "News": Palette(
        top=Colour("navy", (14, 28, 64)),
        bottom=Colour("slate blue", (56, 82, 132)),
        accents=(
            Colour("sky blue", (120, 190, 240)),
            Colour("white", (246, 246, 246)),
            Colour("yellow", (250, 210, 70)),
            Colour("turquoise", (40, 170, 176)),
        ),
    ),
}

MOTIFS = ("circles", "bands", "blocks", "rings")


@dataclass(frozen=True)
class Picture:
    """Encoded image bytes and the alt text that describes them."""

    content: bytes
    alt: str
    width: int
    height: int


def _words(names: list[str]) -> str:
    """Join colour names the way a sentence does: "a", "a and b", "a, b and c"."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    """A vertical blend from ``top`` to ``bottom``; Pillow's built-in ramp keeps it fast."""
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(
        Image.new("RGB", size, bottom.rgb), Image.new("RGB", size, top.rgb), mask
    ).convert("RGBA")


def _layer(base: Image.Image, draw_shape, colour: Colour, alpha: int) -> Image.Image:
    """Draw one translucent shape on its own layer so overlaps blend visibly."""
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw_shape(ImageDraw.Draw(layer), (*colour.rgb, alpha))
    return Image.alpha_composite(base, layer)


def _circles(image, rng, palette) -> tuple[Image.Image, str]:
    count = rng.choice((3, 4))
    colours = rng.sample(palette.accents, count)
    width, height = image.size
    # Centres sit on a small ring round the middle, evenly spaced: every circle overlaps its
    # neighbours yet keeps a visible part of its own, as the alt text promises.
    start = rng.uniform(0, 2 * math.pi)
    spread = height * 0.2
    for index, colour in enumerate(colours):
        angle = start + 2 * math.pi * index / count
        x = width / 2 + math.cos(angle) * spread * 1.4
        y = height / 2 + math.sin(angle) * spread
        radius = height * rng.uniform(0.24, 0.3)
        box = (x - radius, y - radius, x + radius, y + radius)
        image = _layer(image, lambda d, fill, box=box: d.ellipse(box, fill=fill), colour, 215)
    names = [c.name for c in colours]
    return image, f"{NUMBER_WORDS[count]} overlapping circles in {_words(names)}"


def _bands(image, rng, palette) -> tuple[Image.Image, str]:
    count = rng.choice((3, 4, 5))
    colours = rng.sample(palette.accents, 2)
    width, height = image.size
    band = rng.randint(70, 120)
    gap = (width + height) // (count + 1)
    for index in range(count):
        offset = gap * (index + 1) - height
        points = [
            (offset, height),
            (offset + band, height),
            (offset + band + height, 0),
            (offset + height, 0),
        ]
        colour = colours[index % 2]
        image = _layer(image, lambda d, fill, p=points: d.polygon(p, fill=fill), colour, 210)
    names = [c.name for c in colours]
    return image, (
        f"{NUMBER_WORDS[count]} parallel diagonal bands alternating {names[0]} and {names[1]}"
    )


def _blocks(image, rng, palette) -> tuple[Image.Image, str]:
    columns, rows = rng.choice(((3, 2), (4, 2), (3, 3)))
    colours = rng.sample(palette.accents, 3)
    width, height = image.size
    margin = 120
    cell_w = (width - 2 * margin) // columns
    cell_h = (height - 2 * margin) // rows
    draw = ImageDraw.Draw(image)
    for row in range(rows):
        for column in range(columns):
            colour = colours[(row + column) % 3]
            x0 = margin + column * cell_w + rng.randint(10, 40)
            y0 = margin + row * cell_h + rng.randint(10, 40)
            x1 = margin + (column + 1) * cell_w - rng.randint(10, 40)
            y1 = margin + (row + 1) * cell_h - rng.randint(10, 40)
            draw.rectangle((x0, y0, x1, y1), fill=colour.rgb)
    count = columns * rows
    names = [c.name for c in colours]
    return image, (
        f"a grid of {NUMBER_WORDS[count]} rectangles, {NUMBER_WORDS[columns]} across and "
        f"{NUMBER_WORDS[rows]} down, "
        f"in {_words(names)}"
    )


def _rings(image, rng, palette) -> tuple[Image.Image, str]:
    colours = rng.sample(palette.accents, 2)
    count = rng.choice((4, 5, 6))
    width, height = image.size
    cx = rng.choice((width // 3, 2 * width // 3))
    cy = height // 2
    draw = ImageDraw.Draw(image)
    step = int(height * 0.08)
    for index in range(count, 0, -1):
        radius = step * index
        colour = colours[index % 2]
        draw.ellipse(
            (cx - radius, cy - radius, cx + radius, cy + radius),
            outline=colour.rgb,
            width=max(step // 2, 8),
        )
    side = "left" if cx < width // 2 else "right"
    names = [c.name for c in colours]
    return image, (
        f"{NUMBER_WORDS[count]} concentric rings in {names[0]} and {names[1]}, "
        f"set to the {side} of centre"
    )


_DRAWERS = {"circles": _circles, "bands": _bands, "blocks": _blocks, "rings": _rings}


def article_picture(*, section: str, seed: int, motif: str | None = None) -> Picture:
    """A 1280×800 JPEG illustration in the section's colours, with matching alt text."""
    rng = random.Random(seed)
    palette = PALETTES.get(section, PALETTES["Articles"])
    motif = motif or rng.choice(MOTIFS)
    image = _gradient(ARTICLE_SIZE, palette.top, palette.bottom)
    image, shapes = _DRAWERS[motif](image, rng, palette)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    alt = (
        f"Abstract illustration: {shapes} on a background shading from "
        f"{palette.top.name} at the top to {palette.bottom.name} at the bottom"
    )
    return Picture(buffer.getvalue(), alt, *ARTICLE_SIZE)


def book_cover(*, background: tuple[int, int, int], accent: tuple[int, int, int], seed: int):
    """A 600×900 JPEG cover: a darker spine strip, a title panel and a few coloured bars.

    Covers carry no lettering: the page shows the title next to the cover, and the model's
    ``cover_alt`` ("Cover of …") stays true.
    """
    rng = random.Random(seed)
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, background)
    draw = ImageDraw.Draw(image)
    spine = tuple(max(channel - 45, 0) for channel in background)
    draw.rectangle((0, 0, 46, height), fill=spine)
    draw.rectangle((96, 120, width - 60, 380), fill=accent)
    light = tuple(min(channel + 70, 255) for channel in background)
    top = 460
    for _ in range(rng.randint(3, 5)):
        bar_height = rng.randint(18, 46)
        bar_width = rng.randint(180, width - 160)
        draw.rectangle((96, top, 96 + bar_width, top + bar_height), fill=light)
        top += bar_height + rng.randint(18, 36)
    draw.ellipse((width - 170, height - 170, width - 70, height - 70), fill=accent)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return Picture(buffer.getvalue(), "", *COVER_SIZE)
