"""Work done once per process, not per request: rendition names (imagekit's own, worked out
once per spec and image), picture URLs and compiled templates."""

import pytest
from imagekit.cachefiles.namers import source_name_as_path
from imagekit.specs import ImageSpec

from images import renditions, storage
from tests.factories import ArticleFactory, image_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_names():
    storage._names.clear()
    yield
    storage._names.clear()


@pytest.fixture
def article():
    article = ArticleFactory(featured_image_alt="A tram at the harbour")
    article.featured_image.save("tram.jpg", image_file(), save=True)
    return article


def test_names_are_imagekits(article):
    for name in ["lead_640_webp", "lead_1024_jpeg", "card_400_webp", "og_image"]:
        spec = getattr(article, name).generator
        assert storage.remembered_source_name_as_path(spec) == source_name_as_path(spec)


def test_the_spec_hash_is_computed_once_per_image(article, monkeypatch):
    calls = []
    spec_class = type(article.lead_640_webp.generator)
    original = spec_class.get_hash

    def counting(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(spec_class, "get_hash", counting)
    storage._names.clear()  # as in a fresh process
    urls = {article.lead_640_webp.url for _ in range(5)}
    assert len(urls) == 1
    assert len(calls) == 1


def test_the_rendition_files_are_found(article):
    picture = renditions.picture(article, "featured_image", renditions.LEAD)
    name = article.lead_640_jpeg.name
    assert article.lead_640_jpeg.storage.exists(name)
    assert name in picture.jpeg_srcset


class DynamicSpec(ImageSpec):
    format = "JPEG"

    @property
    def processors(self):
        return []


def test_specs_with_per_instance_processors_are_not_remembered(article):
    spec = DynamicSpec(source=article.featured_image)
    assert storage.remembered_source_name_as_path(spec) == source_name_as_path(spec)
    assert not any(spec_class is DynamicSpec for spec_class, _ in storage._names)


def test_templates_are_loaded_once_per_process():
    """Django's cached loader keeps every compiled template: a page parses none per request."""
    from django.template import engines
    from django.template.loaders.cached import Loader

    engine = engines["django"].engine
    [loader] = engine.template_loaders
    assert isinstance(loader, Loader)
    first = engine.get_template("articles/article_detail.html")
    assert engine.get_template("articles/article_detail.html") is first


def test_picture_urls_are_worked_out_once_per_image(article, monkeypatch):
    """A second page showing the same picture asks imagekit for no URL at all."""
    renditions._memo.clear()
    first = renditions.picture(article, "featured_image", renditions.CARD)
    calls = []
    monkeypatch.setattr(
        renditions, "_picture", lambda *args: calls.append(args) or first, raising=True
    )
    again = type(article).objects.get(pk=article.pk)
    assert renditions.picture(again, "featured_image", renditions.CARD) is first
    assert calls == []
