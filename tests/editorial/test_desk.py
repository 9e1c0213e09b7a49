"""The editor's desk around the change form (issue 18): autosave, presence, the top bar and
its checklist, withdrawing from review, previews of unsaved changes, headline-only drafts.

Through the admin's real URLs, with the form as the browser posts it (``form_data``).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from reversion.models import Version

from articles.models import Article, Section
from caching import tags as cache_tags
from editorial import autosave, checklist, services
from editorial.models import Autosave, EditingPresence, StatusChange
from tests.articles.workflow_helpers import article_by, change_url, form_data, staff_in
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, SectionFactory

pytestmark = pytest.mark.django_db

Status = Article.Status
ADD = reverse("admin:articles_article_add")
NEW_AUTOSAVE = reverse("admin:articles_article_autosave_new")
TOKEN = "0b6f1c3e-5a2d-4c41-9d0e-7f3a2b1c9e88"


def autosave_url(article) -> str:
    return reverse("admin:articles_article_autosave", args=[article.pk])


def edited(client, article, **changes) -> dict:
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    return data


# --- autosave: the service ----------------------------------------------------------------


def test_one_copy_per_person_and_item_replaced_at_each_save(editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    for headline in ["First try", "Second try"]:
        autosave.autosave_store(
            user=editor,
            model=Article,
            obj=article,
            data=MultiValueDict({"headline": [headline], "csrfmiddlewaretoken": ["x"]}),
        )
    copy = Autosave.objects.get()
    assert copy.data == {"headline": ["Second try"]}  # the CSRF token is not kept
    assert copy.object_id == article.pk


def test_new_items_are_kept_per_browser_token_and_need_one(editor):
    data = MultiValueDict({"headline": ["Unsaved"]})
    with pytest.raises(ValidationError):
        autosave.autosave_store(user=editor, model=Article, obj=None, data=data, token="")
    autosave.autosave_store(user=editor, model=Article, obj=None, data=data, token=TOKEN)
    autosave.autosave_store(user=editor, model=Article, obj=None, data=data, token="a" * 20)
    assert Autosave.objects.filter(object_id__isnull=True).count() == 2


def test_only_those_who_may_edit_keep_a_copy(contributor, editor):
    theirs = article_by(editor, status=Status.DRAFT)
    in_review = article_by(contributor, status=Status.REVIEW)
    data = MultiValueDict({"headline": ["x"]})
    for article in [theirs, in_review]:
        with pytest.raises(PermissionDenied):
            autosave.autosave_store(user=contributor, model=Article, obj=article, data=data)
    assert not Autosave.objects.exists()


def test_autosave_is_not_content_and_changes_nothing_public(client, editor):
    """Not a save of the article: no version, no revision, no cache invalidation."""
    article = ArticleFactory(headline="Ferry timetable changes")
    client.force_login(editor)
    data = edited(client, article, headline="Ferry timetable changes again")
    before = (article.version, Version.objects.get_for_object(article).count())
    response = client.post(autosave_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline == "Ferry timetable changes"
    assert (article.version, Version.objects.get_for_object(article).count()) == before
    assert not cache_tags.is_content_model(Autosave)
    assert not cache_tags.is_content_model(EditingPresence)


# --- autosave: the endpoint ---------------------------------------------------------------


def test_autosave_endpoint_keeps_the_form_and_answers_json(
    client, editor, django_assert_max_num_queries
):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    data = edited(client, article, headline="Typed but not saved")
    with django_assert_max_num_queries(20):
        response = client.post(autosave_url(article), data)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "saved_at" in response.json()
    copy = Autosave.objects.get(user=editor, object_id=article.pk)
    assert copy.data["headline"] == ["Typed but not saved"]


def test_autosave_endpoint_needs_csrf_and_post(editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(autosave_url(article), {"headline": "x"}).status_code == 403
    assert client.get(autosave_url(article)).status_code == 405
    assert not Autosave.objects.exists()


def test_autosave_endpoint_refuses_whom_the_item_is_not_for(client, contributor, editor):
    someone_elses = article_by(editor, status=Status.DRAFT)
    own_in_review = article_by(contributor, status=Status.REVIEW)
    client.force_login(contributor)
    assert client.post(autosave_url(someone_elses), {"headline": "x"}).status_code == 404
    assert client.post(autosave_url(own_in_review), {"headline": "x"}).status_code == 403
    assert not Autosave.objects.exists()


def test_new_article_autosave_needs_a_token_and_add_permission(client, editor):
    client.force_login(editor)
    response = client.post(NEW_AUTOSAVE, {"headline": "A first keystroke"})
    assert response.status_code == 400
    assert "token" in response.json()["error"]
    response = client.post(NEW_AUTOSAVE, {"headline": "A", "_autosave_token": TOKEN})
    assert response.status_code == 200
    assert Autosave.objects.get().client_token == TOKEN

    nobody = staff_in("Contributor", "no-groups")
    nobody.groups.clear()
    client.force_login(nobody)
    response = client.post(NEW_AUTOSAVE, {"headline": "A", "_autosave_token": TOKEN})
    assert response.status_code == 403


# --- restoring, discarding, forgetting on save ---------------------------------------------


def test_coming_back_offers_restore_and_restore_fills_the_form(client, editor):
    article = ArticleFactory(headline="Bridge reopens", status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    client.post(autosave_url(article), edited(client, article, headline="Bridge reopens Monday"))

    page = client.get(change_url(article)).content.decode()
    assert "Restore your unsaved changes from" in page

    response = client.get(change_url(article) + "?autosave=restore")
    assert response.context["adminform"].form["headline"].value() == "Bridge reopens Monday"
    assert "are back in the form" in response.content.decode()


def test_restored_copy_of_an_older_version_meets_the_stale_save_check(client, editor):
    """The copy keeps the version its writer started from: nobody's newer save is lost."""
    article = ArticleFactory(headline="Bridge reopens", status=Status.DRAFT, published_at=None)
    other = staff_in("Editor", "eli")
    client.force_login(editor)
    client.post(autosave_url(article), edited(client, article, headline="Mine"))
    article.headline = "Theirs"
    services.content_save(obj=article, by=other)

    restored = client.get(change_url(article) + "?autosave=restore")
    response = client.post(change_url(article), form_data(restored))
    assert response.status_code == 200
    assert response.context["adminform"].form.conflict is not None
    article.refresh_from_db()
    assert article.headline == "Theirs"


def test_a_successful_save_deletes_the_copy_and_discard_does_too(client, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    client.post(autosave_url(article), edited(client, article, headline="Kept for later"))
    response = client.post(change_url(article), edited(client, article, headline="Saved now"))
    assert response.status_code == 302
    assert not Autosave.objects.exists()

    client.post(autosave_url(article), edited(client, article, headline="Again"))
    response = client.post(autosave_url(article), {"_autosave_discard": "1"})
    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    assert not Autosave.objects.exists()


def test_new_article_copy_is_offered_restored_and_deleted_by_the_first_save(client, editor):
    section = SectionFactory(name="City")
    client.force_login(editor)
    client.post(NEW_AUTOSAVE, {"headline": "Night buses", "_autosave_token": TOKEN})
    assert "Restore your unsaved changes from" in client.get(ADD).content.decode()

    restored = client.get(f"{ADD}?autosave={TOKEN}")
    assert restored.context["adminform"].form["headline"].value() == "Night buses"
    data = form_data(restored)
    data.update(section=str(section.pk), _autosave_token=TOKEN)
    response = client.post(ADD, data)
    assert response.status_code == 302
    assert Article.objects.get().headline == "Night buses"
    assert not Autosave.objects.exists()


def test_restore_brings_back_byline_rows_and_tags_as_typed(client, editor):
    """Nothing typed is lost: the inline byline rows (author, role, order) and the tags
    typed since the last save come back with the rest of the form."""
    first, second = AuthorFactory(name="Ada Quarry"), AuthorFactory(name="Ben Tiller")
    article = ArticleFactory(
        status=Status.DRAFT, published_at=None, authors=[first], tags=["ferries"]
    )
    client.force_login(editor)
    data = edited(client, article, tags=["ferries", "night buses"])
    data.update(
        {
            "bylines-0-role": "reported_by",
            "bylines-0-position": "2",
            "bylines-1-author": str(second.pk),
            "bylines-1-role": "photos_by",
            "bylines-1-position": "1",
        }
    )
    assert client.post(autosave_url(article), data).status_code == 200

    restored = client.get(change_url(article) + "?autosave=restore")
    assert restored.status_code == 200
    back = form_data(restored)
    assert str(back["bylines-0-author"]) == str(first.pk)
    assert str(back["bylines-0-role"]) == "reported_by"
    assert str(back["bylines-0-position"]) == "2"
    assert str(back["bylines-1-author"]) == str(second.pk)
    assert str(back["bylines-1-role"]) == "photos_by"
    assert str(back["bylines-1-position"]) == "1"
    assert list(back["tags"]) == ["ferries", "night buses"]
    page = restored.content.decode()
    assert "Ben Tiller" in page  # the autocomplete shows the chosen author by name
    assert "night buses" in page  # a new tag is shown chosen, not dropped
    assert "could not be kept" in page  # files are still not part of the copy

    # Saving the restored form keeps exactly what was typed.
    response = client.post(change_url(article), back)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rows = [(b.author_id, b.role) for b in article.bylines.order_by("position")]
    assert rows == [(second.pk, "photos_by"), (first.pk, "reported_by")]
    assert set(article.tags.names()) == {"ferries", "night buses"}


def test_a_new_articles_copy_brings_back_its_byline_rows(client, editor):
    author = AuthorFactory(name="Cy Harbour")
    client.force_login(editor)
    data = form_data(client.get(ADD))
    data.update(
        {
            "headline": "Night ferries",
            "_autosave_token": TOKEN,
            "bylines-0-author": str(author.pk),
            "bylines-0-role": "written_by",
        }
    )
    assert client.post(NEW_AUTOSAVE, data).status_code == 200
    restored = client.get(f"{ADD}?autosave={TOKEN}")
    back = form_data(restored)
    assert str(back["bylines-0-author"]) == str(author.pk)
    assert back["bylines-0-role"] == "written_by"
    assert "Cy Harbour" in restored.content.decode()


def test_a_copy_whose_byline_author_is_gone_restores_with_a_clear_error(client, editor):
    """Restoring never fails: a row that can no longer be saved says why, the rest is back."""
    gone = AuthorFactory(name="Dee Parted")
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    data = edited(client, article, headline="Kept headline")
    data.update({"bylines-1-author": str(gone.pk), "bylines-1-role": "by"})
    client.post(autosave_url(article), data)
    gone.delete()

    restored = client.get(change_url(article) + "?autosave=restore")
    assert restored.status_code == 200
    assert restored.context["adminform"].form["headline"].value() == "Kept headline"
    formset = restored.context["inline_admin_formsets"][0].formset
    assert "Select a valid choice" in str(formset.errors[1]["author"])


# --- presence ------------------------------------------------------------------------------


def test_opening_the_form_shows_who_else_is_editing(client, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    other = staff_in("Editor", "eli", first_name="Eli", last_name="Marsh")
    second = Client()
    second.force_login(other)
    second.get(change_url(article))

    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert "Eli Marsh</strong> is editing this article too" in page
    answer = client.post(autosave_url(article), {"_autosave_action": "ping"}).json()
    assert [o["name"] for o in answer["others"]] == ["Eli Marsh"]

    second.post(autosave_url(article), {"_autosave_action": "leave"})
    assert "is editing this article too" not in client.get(change_url(article)).content.decode()


def test_a_form_that_stopped_pinging_no_longer_counts(client, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    other = staff_in("Editor", "eli", first_name="Eli", last_name="Marsh")
    autosave.presence_ping(user=other, obj=article)
    EditingPresence.objects.update(seen_at=timezone.now() - timedelta(minutes=10))
    client.force_login(editor)
    assert "is editing this article too" not in client.get(change_url(article)).content.decode()


# --- the top bar and its checklist --------------------------------------------------------


def test_status_and_workflow_buttons_are_above_the_fields(client, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    bar = page.index('id="desk-bar"')
    assert bar < page.index('name="headline"')
    assert bar < page.index('name="_publish"') < page.index('name="headline"')
    assert 'class="desk-badge desk-badge--draft"' in page
    assert page.count('name="_publish"') == 1


def test_the_live_checklist_is_announced_and_the_badge_reads_as_a_status(client, editor):
    """Screen readers hear the checklist change as the form is typed into (it is
    re-rendered in place), and the badge says what it is, not just "Draft"."""
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert re.search(r'<div id="desk-checklist" aria-live="polite"[^>]*data-url=', page)
    assert re.search(
        r'<span class="desk-badge desk-badge--draft" id="desk-status-badge">'
        r'<span class="visually-hidden">Status: </span>Draft</span>',
        page,
    )
    assert '<span aria-hidden="true">Status:</span>' in page  # not read twice


def test_checklist_shows_every_problem_the_publish_refusal_has(client, editor):
    article = ArticleFactory(
        status=Status.DRAFT,
        published_at=None,
        excerpt="x" * 400,
        seo_title="A title far too long for any search result to show in full, by a long way",
        seo_description="d" * 200,
        source_name="The Harbour Gazette",
        body='<p>Text.</p><img src="/media/a.jpg">',
    )
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    items = {item.label: item for item in checklist.checklist(article)}
    assert items["Headline"].ok and items["Byline"].ok and items["Section"].ok
    for label in [
        "Excerpt length",
        "SEO title and description",
        "Republication details",
        "Body images' alt text",
    ]:
        assert not items[label].ok, label
        for problem in items[label].problems:
            assert problem in page
    assert "Before publishing: 5 things to fix" in page

    with pytest.raises(ValidationError) as refused:
        services.content_publish(obj=article, by=editor)
    refused_messages = {m for ms in refused.value.message_dict.values() for m in ms}
    listed = {p for item in items.values() for p in item.problems}
    assert refused_messages == listed


def test_a_ready_article_shows_all_green(client, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert "Ready to publish: every check passes" in page
    assert "desk-check--problem" not in page


def test_pages_get_the_same_desk(client, editor):
    page = PageFactory(status=Status.DRAFT, published_at=None, featured_image_alt="")
    url = reverse("admin:pages_page_change", args=[page.pk])
    client.force_login(editor)
    html = client.get(url).content.decode()
    assert 'id="desk-bar"' in html and "Ready to publish" in html
    data = form_data(client.get(url))
    data["title"] = "Unsaved page title"
    response = client.post(reverse("admin:pages_page_autosave", args=[page.pk]), data)
    assert response.status_code == 200
    assert Autosave.objects.get().data["title"] == ["Unsaved page title"]


# --- first save: headline only, or scheduled at once ----------------------------------------


def test_a_headline_is_enough_for_a_draft(client, contributor):
    SectionFactory(name="Zebra crossings", position=5)
    first = SectionFactory(name="City", position=1)
    client.force_login(contributor)
    data = form_data(client.get(ADD))
    data["headline"] = "Just an idea"
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert (article.headline, article.status, article.section) == ("Just an idea", "draft", first)


def test_no_section_at_all_is_a_clear_form_error(client, contributor):
    Section.objects.all().delete()
    client.force_login(contributor)
    data = form_data(client.get(ADD))
    data["headline"] = "Just an idea"
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "There is no section yet" in str(response.context["adminform"].form.errors)
    assert not Article.objects.exists()


def test_an_editor_schedules_a_new_article_in_its_first_save(client, editor):
    section = SectionFactory(name="City")
    author = AuthorFactory(name="Noor Haddad")
    client.force_login(editor)
    add_page = client.get(ADD)
    assert 'name="_publish"' in add_page.content.decode()
    data = form_data(add_page)
    when = timezone.localtime(timezone.now() + timedelta(days=2))
    data.update(
        {
            "headline": "Budget vote on Thursday",
            "section": str(section.pk),
            "body": "<p>The council votes on the budget.</p>",
            "bylines-0-author": str(author.pk),
            "bylines-0-role": "by",
            "bylines-0-position": "0",
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M:%S"),
            "_publish": "1",
        }
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get()
    assert article.is_scheduled
    actions = list(article.status_changes.values_list("action", flat=True))
    assert StatusChange.Action.SCHEDULED in actions


def test_a_contributor_cannot_schedule_from_the_first_save(client, contributor):
    client.force_login(contributor)
    page = client.get(ADD).content.decode()
    assert 'name="_publish"' not in page and 'name="publish_at_0"' not in page
    data = form_data(client.get(ADD))
    data.update(headline="Sneaky", _publish="1")
    assert client.post(ADD, data).status_code == 403
    assert not Article.objects.exists()


# --- withdrawing from review --------------------------------------------------------------


def withdraw_url(article) -> str:
    return reverse("admin:articles_article_withdraw", args=[article.pk])


def test_a_contributor_withdraws_their_article_to_fix_a_typo(client, contributor):
    article = article_by(contributor, status=Status.REVIEW)
    client.force_login(contributor)
    page = client.get(change_url(article)).content.decode()
    assert "Withdraw to draft" in page
    response = client.post(withdraw_url(article), follow=True)
    assert "Withdrawn to draft" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    change = article.status_changes.first()
    assert (change.action, change.by, change.from_status) == ("withdrawn", contributor, "review")


def test_withdraw_is_refused_to_others_and_outside_review(client, contributor, editor):
    someone_elses = article_by(editor, status=Status.REVIEW)
    own_draft = article_by(contributor, status=Status.DRAFT)
    client.force_login(contributor)
    assert client.post(withdraw_url(someone_elses)).status_code == 404
    assert client.get(withdraw_url(own_draft)).status_code == 405
    response = client.post(withdraw_url(own_draft), follow=True)
    assert "Only an article in review can be withdrawn" in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.content_withdraw(obj=someone_elses, by=contributor)
    someone_elses.refresh_from_db()
    assert someone_elses.status == Status.REVIEW
    services.content_withdraw(obj=someone_elses, by=editor)  # editors may
    assert someone_elses.status == Status.DRAFT


# --- preview of the open form -------------------------------------------------------------


def test_preview_shows_unsaved_changes_and_saves_nothing(client, editor):
    article = ArticleFactory(
        headline="Harbour dredging starts", status=Status.DRAFT, published_at=None
    )
    client.force_login(editor)
    preview = reverse("admin:articles_article_preview", args=[article.pk])
    data = edited(
        client,
        article,
        headline="Harbour dredging starts in May",
        body="<p>The unsaved paragraph.</p>",
    )
    version = article.version
    response = client.post(preview, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Harbour dredging starts in May" in html and "The unsaved paragraph." in html
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    article.refresh_from_db()
    assert (article.headline, article.version) == ("Harbour dredging starts", version)
    assert "Harbour dredging starts in May" not in client.get(preview).content.decode()


def test_preview_of_unsaved_changes_is_for_those_who_may_edit(client, contributor, editor):
    own_in_review = article_by(contributor, status=Status.REVIEW)
    someone_elses = article_by(editor, status=Status.DRAFT)
    client.force_login(contributor)
    for article, status in [(own_in_review, 403), (someone_elses, 404)]:
        url = reverse("admin:articles_article_preview", args=[article.pk])
        assert client.post(url, {"headline": "x"}).status_code == status


def test_every_admin_change_form_loads_the_leave_warning(client, editor):
    """Not only edited content: the script is on the admin's own change form template."""
    client.force_login(editor)
    section = SectionFactory(name="Transport")
    page = client.get(reverse("admin:articles_section_change", args=[section.pk]))
    assert page.status_code == 200
    assert "js/admin-desk.js" in page.content.decode()
    assert 'id="desk-autosave"' not in page.content.decode()  # autosave is for content


def test_page_preview_shows_the_unsaved_title(client, editor):
    page = PageFactory(title="About us", status=Status.DRAFT, published_at=None)
    url = reverse("admin:pages_page_change", args=[page.pk])
    client.force_login(editor)
    data = form_data(client.get(url))
    data["title"] = "About the newsroom"
    response = client.post(reverse("admin:pages_page_preview", args=[page.pk]), data)
    assert response.status_code == 200
    assert "About the newsroom" in response.content.decode()
    page.refresh_from_db()
    assert page.title == "About us"


# --- the checklist of the open form -----------------------------------------------------


def checklist_url(article) -> str:
    return reverse("admin:articles_article_checklist", args=[article.pk])


def test_the_checklist_endpoint_judges_the_posted_form_and_saves_nothing(client, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None, excerpt="Short.")
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert f'data-url="{checklist_url(article)}"' in page

    data = edited(client, article, headline="", excerpt="x" * 400)
    response = client.post(checklist_url(article), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["problems"] == 2
    assert "Before publishing: 2 things to fix" in answer["html"]
    assert (
        'desk-check--problem"><span class="desk-check__mark" aria-hidden="true">✗</span>'
        in (answer["html"])
    )
    assert "Give the article a headline." in answer["html"]  # what was typed, not what was saved
    article.refresh_from_db()
    assert article.headline and article.excerpt == "Short."  # nothing saved
    assert not Autosave.objects.exists()

    fixed = client.post(checklist_url(article), edited(client, article)).json()
    assert fixed["problems"] == 0
    assert "Ready to publish: every check passes" in fixed["html"]


def test_the_checklist_endpoint_of_a_new_article(client, editor):
    client.force_login(editor)
    url = reverse("admin:articles_article_checklist_new")
    assert f'data-url="{url}"' in client.get(ADD).content.decode()
    data = form_data(client.get(ADD))
    data.update(headline="Ferry timetable changes", excerpt="x" * 400)
    answer = client.post(url, data).json()
    assert "Excerpt length" in answer["html"] and answer["problems"] >= 1
    assert not Article.objects.exists()


def test_the_checklist_endpoint_is_for_those_who_may_edit(client, contributor, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    client.force_login(contributor)
    assert client.post(checklist_url(article), {}).status_code in {403, 404}
    client.force_login(editor)
    assert client.get(checklist_url(article)).status_code == 405
