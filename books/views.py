from django.views.generic import DetailView, ListView

from .models import Book


class BookListView(ListView):
    template_name = "books/book_list.html"
    context_object_name = "books"

    def get_queryset(self):
        return Book.objects.on_shelf()


class BookDetailView(DetailView):
    context_object_name = "book"

    def get_queryset(self):
        return Book.objects.prefetch_related("authors", "purchase_links")
