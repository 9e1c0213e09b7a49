from django.urls import path, register_converter

from . import converters, feeds, search, views

register_converter(converters.TagSlugConverter, "tagslug")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", search.search, name="search"),
    # Feeds (articles/feeds.py): RSS 2.0, and Atom under .../atom/.
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("sections/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section-feed-atom"),
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("authors/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
    path("tags/<tagslug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tags/<tagslug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    # taggit makes Unicode slugs ("zürich"): see articles/converters.py.
    path("tags/<tagslug:slug>/", views.TagView.as_view(), name="tag"),
]
