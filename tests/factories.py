"""factory_boy factories: the one way tests make content."""

import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Byline, Section
from authors.models import Author
from books.models import Book, PurchaseLink


def image_file(name="image.jpg", size=(1600, 900), color=(40, 90, 140), fmt="JPEG"):
    """A real image made with Pillow, as an uploaded-file-like ContentFile."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return ContentFile(buffer.getvalue(), name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@staff.example.org")
    password = factory.django.Password("correct-horse-battery")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Writer Number{n}")
    job_title = "Staff writer"
    short_bio = factory.LazyAttribute(lambda o: f"{o.name} covers housing and cities.")
    long_bio = factory.LazyAttribute(lambda o: f"{o.name} has reported on cities for years.")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Section {n}")
    description = "Reporting and analysis."


class ArticleFactory(factory.django.DjangoModelFactory):
    """A live article by default; pass ``status``/``published_at`` for other states.

    ``authors=[a, b]`` adds bylines in that order; ``tags=["x"]`` adds tags.
    """

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council approves plan number {n}")
    dek = "What the vote means for residents."
    body = "<p>The council met on Tuesday.</p><p>It voted for the plan.</p>"
    section = factory.SubFactory(SectionFactory, name="News")
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        authors = extracted if extracted is not None else [AuthorFactory()]
        for position, author in enumerate(authors):
            Byline.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Book
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"The Long Road {n}")
    description = "A book about roads."
    publisher = "Newsroom Press"
    year = 2024
    is_on_shelf = True
    shelf_position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.add(*extracted)

    @factory.post_generation
    def links(self, create, extracted, **kwargs):
        if create:
            PurchaseLink.objects.create(
                book=self, label="Buy from the publisher", url="https://shop.example.org/b"
            )


class PageFactory(factory.django.DjangoModelFactory):
    """A live top-level page (pages/models.py)."""

    class Meta:
        model = "pages.Page"

    title = factory.Sequence(lambda n: f"Page {n}")
    body = "<p>What this page says.</p>"
    status = "published"
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
