"""FAQs: the public page by theme, visitors' questions, and the facilitators' queue and ordering."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Theme
from resources.faq_views import FAQS_PER_PAGE, MANAGED_FAQS_PER_PAGE
from resources.models import FAQ, FAQStatus
from resources.templatetags.resources_tags import THEME_PAGE_FAQS
from tests.html import visible_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("resources:faq_list")
ASK_URL = reverse("resources:faq_ask")
QUEUE_URL = reverse("resources:faq_queue")
MANAGE_URL = reverse("resources:faq_manage")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def theme(slug):
    return Theme.objects.get(slug=slug)


def make_faq(question, theme_slug="independent-scrutiny", *, order=1, status=FAQStatus.PUBLISHED, answer="An answer."):
    return FAQ.objects.create(question=question, theme=theme(theme_slug), order=order, status=status, answer=answer)


def theme_faqs_url(slug):
    return reverse("resources:faq_theme", args=[slug])


def test_faq_page_lists_the_themes_with_answers_each_on_a_page_of_its_own(client, programme):
    second = make_faq("Who scrutinises the scrutineer?", order=2)
    first = make_faq("What is independent scrutiny for?", order=1)
    cdr = make_faq("How are child death reviews aligned?", "child-death-review")
    make_faq("Unpublished draft question?", "information-sharing", status=FAQStatus.DRAFT)
    make_faq("Visitor question waiting?", status=FAQStatus.ASKED, answer="")
    html = client.get(LIST_URL).content.decode()
    text = visible_text(html)
    # The themes in their order, with how many answers each has; a theme with none published is left out.
    assert text.index("Independent scrutiny (2 answers)") < text.index("Child death review (1 answer)")
    assert "Information sharing" not in text
    assert f'href="{theme_faqs_url("independent-scrutiny")}"' in html
    # The anchors that theme pages and other sites linked to stay.
    assert 'id="theme-child-death-review"' in html
    # Answers are on their theme's page, in the facilitators' order.
    html = client.get(theme_faqs_url("independent-scrutiny")).content.decode()
    text = visible_text(html)
    assert text.index(first.question) < text.index(second.question)
    assert cdr.question not in text
    assert "Unpublished draft question" not in text and "Visitor question waiting" not in text
    assert f'id="{first.anchor}"' in html and f'href="{first.get_absolute_url()}"' in html


def test_an_faqs_address_leads_to_its_answer_on_its_theme_page(client, programme, settings):
    settings.DEBUG = False
    faqs = [make_faq(f"Question {number}?", order=number) for number in range(1, FAQS_PER_PAGE + 3)]
    first, last = faqs[0], faqs[-1]
    assert first.get_absolute_url() == reverse("resources:faq_detail", args=[first.pk])
    response = client.get(first.get_absolute_url())
    assert response["Location"] == f"{theme_faqs_url('independent-scrutiny')}#{first.anchor}"
    response = client.get(last.get_absolute_url())
    assert response["Location"] == f"{theme_faqs_url('independent-scrutiny')}?page=2#{last.anchor}"
    assert f'id="{last.anchor}"' in client.get(response["Location"]).content.decode()
    # Old links to /faqs/#faq-N reach it through a script of /faqs/ (the fragment never reaches the server).
    assert "js/faq-anchor" in client.get(LIST_URL).content.decode()


def test_unpublished_and_waiting_faqs_have_no_public_address(client, programme):
    draft = make_faq("Draft?", status=FAQStatus.DRAFT)
    asked = FAQ.objects.create(question="Waiting?")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(asked.get_absolute_url()).status_code == 404
    assert client.get(theme_faqs_url("no-such-theme")).status_code == 404


def test_a_themes_answers_are_paginated_each_shown_once(client, programme):
    questions = [make_faq(f"Question {number}?", order=number).question for number in range(FAQS_PER_PAGE * 2 + 1)]
    seen = []
    url = theme_faqs_url("independent-scrutiny")
    while url:
        response = client.get(url)
        page = response.context["page_obj"]
        seen += [faq.question for faq in page]
        url = f"?page={page.next_page_number()}" if page.has_next() else None
        url = f"{theme_faqs_url('independent-scrutiny')}{url}" if url else None
    assert seen == questions
    assert "Page 3 of 3" in visible_text(response.content)


def test_empty_faq_page_invites_a_question(client, programme):
    assert "No questions have been answered yet" in client.get(LIST_URL).content.decode()


def test_visitor_asks_a_question_which_waits_unpublished(client, programme):
    response = client.post(
        ASK_URL, {"question": "Can schools be relevant agencies?", "asker_email": "asker@example.org"}, follow=True
    )
    assert "your question has been sent" in response.content.decode()
    faq = FAQ.objects.get()
    assert faq.status == FAQStatus.ASKED and faq.asker_email == "asker@example.org"
    assert "Can schools be relevant agencies?" not in client.get(LIST_URL).content.decode()


def test_a_question_with_a_bad_email_keeps_the_text(client, programme):
    response = client.post(ASK_URL, {"question": "My long careful question?", "asker_email": "not-an-email"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address" in html and "My long careful question?" in html
    assert not FAQ.objects.exists()


def test_asking_is_rate_limited_per_client(client, programme, settings):
    settings.FAQ_QUESTION_RATE = "3/h"
    for number in range(3):
        assert client.post(ASK_URL, {"question": f"Question {number}?"}).status_code == 302
    response = client.post(ASK_URL, {"question": "One too many?"})
    assert response.status_code == 429
    assert "Too many questions" in response.content.decode()
    assert FAQ.objects.count() == 3
    # Another client is not affected.
    assert client.post(ASK_URL, {"question": "From elsewhere?"}, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_facilitator_answers_and_publishes_and_the_asker_is_told(client_for, programme, facilitator):
    question = FAQ.objects.create(question="Can schools be relevant agencies?", asker_email="asker@example.org")
    make_faq("Existing?", "engagement-with-schools", order=5)
    client = client_for(facilitator)
    assert "Can schools be relevant agencies?" in client.get(QUEUE_URL).content.decode()
    response = client.post(
        reverse("resources:faq_answer", args=[question.pk]),
        {"theme": theme("engagement-with-schools").pk, "question": question.question, "answer": "Yes: *named* ones."},
        follow=True,
    )
    assert "The answer is published" in response.content.decode()
    question.refresh_from_db()
    assert question.status == FAQStatus.PUBLISHED and question.order == 6
    assert question.asker_email == ""
    (email,) = mail.outbox
    assert email.to == ["asker@example.org"]
    assert question.get_absolute_url() in email.body
    public = client_for(None).get(question.get_absolute_url(), follow=True).content.decode()
    assert "<em>named</em>" in public
    assert "asker@example.org" not in public


def test_answer_without_theme_or_text_is_refused_and_kept(client_for, programme, facilitator):
    question = FAQ.objects.create(question="Half-written?")
    response = client_for(facilitator).post(
        reverse("resources:faq_answer", args=[question.pk]), {"question": "Half-written, edited?", "answer": ""}
    )
    html = response.content.decode()
    assert "This field is required" in html and "Half-written, edited?" in html
    question.refresh_from_db()
    assert question.status == FAQStatus.ASKED


def test_facilitator_discards_a_question(client_for, programme, facilitator):
    question = FAQ.objects.create(question="Spam?", asker_email="spam@example.org")
    client = client_for(facilitator)
    assert client.get(reverse("resources:faq_discard", args=[question.pk])).status_code == 405
    response = client.post(reverse("resources:faq_discard", args=[question.pk]), follow=True)
    assert "discarded" in response.content.decode()
    assert not FAQ.objects.exists()


def test_facilitator_reorders_within_a_theme(client_for, programme, facilitator):
    first = make_faq("First?", order=1)
    make_faq("Second?", order=2)
    third = make_faq("Third?", order=3)
    make_faq("Other theme?", "information-sharing", order=1)
    client = client_for(facilitator)

    def page_order():
        return [faq.question for faq in client.get(theme_faqs_url("independent-scrutiny")).context["page_obj"]]

    response = client.post(reverse("resources:faq_move", args=[third.pk]), {"direction": "up"}, follow=True)
    assert "Moved “Third?” up" in response.content.decode()
    assert page_order() == ["First?", "Third?", "Second?"]
    client.post(reverse("resources:faq_move", args=[first.pk]), {"direction": "down"})
    assert page_order() == ["Third?", "First?", "Second?"]
    # Moving the first one up changes nothing.
    client.post(reverse("resources:faq_move", args=[third.pk]), {"direction": "up"})
    assert page_order() == ["Third?", "First?", "Second?"]


def test_facilitator_unpublishes_and_republishes(client_for, programme, facilitator):
    faq = make_faq("Visible?")
    client = client_for(facilitator)
    client.post(reverse("resources:faq_publish", args=[faq.pk]), {"action": "unpublish"})
    assert "Visible?" not in client_for(None).get(theme_faqs_url("independent-scrutiny")).content.decode()
    assert "Independent scrutiny" not in visible_text(client_for(None).get(LIST_URL).content)
    client = client_for(facilitator)
    client.post(reverse("resources:faq_publish", args=[faq.pk]), {"action": "publish"})
    assert "Visible?" in client_for(None).get(theme_faqs_url("independent-scrutiny")).content.decode()


def test_facilitator_adds_an_faq_directly(client_for, programme, facilitator):
    client_for(facilitator).post(
        reverse("resources:faq_create"),
        {"theme": theme("information-sharing").pk, "question": "Is consent needed?", "answer": "Not always."},
    )
    faq = FAQ.objects.get()
    assert faq.status == FAQStatus.PUBLISHED and faq.order == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("facilitator", {200, 302}), ("lead_a", {403}), ("lead_b", {403}), (None, {302})],
)
def test_facilitator_views_roles(client_for, request, programme, who, expected):
    user = request.getfixturevalue(who) if who else None
    asked = FAQ.objects.create(question="Waiting?")
    published = make_faq("Published?")
    client = client_for(user)
    requests = [
        ("get", QUEUE_URL, None),
        ("get", MANAGE_URL, None),
        ("get", reverse("resources:faq_create"), None),
        ("get", reverse("resources:faq_answer", args=[asked.pk]), None),
        ("post", reverse("resources:faq_publish", args=[published.pk]), {"action": "unpublish"}),
        ("post", reverse("resources:faq_move", args=[published.pk]), {"direction": "down"}),
        ("post", reverse("resources:faq_discard", args=[asked.pk]), None),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code in expected, url
        if user is None:
            assert response["Location"].startswith(reverse("login"))
    assert FAQ.objects.filter(pk=asked.pk).exists() == (who != "facilitator")


def test_theme_page_shows_its_published_faqs(client, programme):
    make_faq("Scrutiny question?")
    make_faq("Draft scrutiny question?", status=FAQStatus.DRAFT)
    html = client.get(theme("independent-scrutiny").get_absolute_url()).content.decode()
    text = visible_text(html)
    assert "Scrutiny question?" in text and "Draft scrutiny question?" not in text
    assert f'href="{theme_faqs_url("independent-scrutiny")}"' in html and "See all" not in text


def test_theme_page_shows_its_first_faqs_and_links_to_all(client, programme):
    for number in range(THEME_PAGE_FAQS + 2):
        make_faq(f"Scrutiny question {number}?", order=number)
    text = visible_text(client.get(theme("independent-scrutiny").get_absolute_url()).content)
    assert f"Scrutiny question {THEME_PAGE_FAQS - 1}?" in text and f"Scrutiny question {THEME_PAGE_FAQS}?" not in text
    assert f"See all {THEME_PAGE_FAQS + 2} FAQs on independent scrutiny" in text


def test_published_faq_needs_theme_and_answer_in_the_database(programme):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        FAQ.objects.create(
            question="No answer?", status=FAQStatus.PUBLISHED, answer="", theme=theme("information-sharing")
        )


def add_faqs(total):
    themes = list(Theme.objects.all())
    for number in range(FAQ.objects.filter(status=FAQStatus.PUBLISHED).count(), total):
        make_faq(f"Question {number}?", themes[number % len(themes)].slug, order=number)
        FAQ.objects.create(question=f"Asked {number}?")


def test_theme_page_sections_cost_four_queries_whatever_the_data(client, programme, django_assert_num_queries):
    theme_url = Theme.objects.first().get_absolute_url()
    add_faqs(4)
    with CaptureQueriesContext(connection) as queries:
        client.get(theme_url)
    # This app's sections of the theme page: its first published resources and FAQs, and how many of each.
    ours = [query["sql"] for query in queries if 'FROM "resources_' in query["sql"]]
    assert len(ours) == 4
    add_faqs(80)
    # The page as a whole (the theme, its approaches, the other apps' sections and ours) stays the same.
    with django_assert_num_queries(len(queries)):
        client.get(theme_url)


def test_query_counts_do_not_grow(client_for, client, programme, facilitator, django_assert_num_queries):
    for total in (4, 80):
        add_faqs(total)
        # 1 the themes with their published answers counted.
        with django_assert_num_queries(1):
            client.get(LIST_URL)
        # 1 the theme, 2 its published answers counted, 3 the page of them.
        with django_assert_num_queries(3):
            client.get(theme_faqs_url("independent-scrutiny"))
    staff = client_for(facilitator)
    for total in (80, 160):
        add_faqs(total)
        # Session and user lookups (2), the facilitator check (3), then 4 the count of waiting questions (which
        # the navigation's count reuses) and 5 the page of them.
        with django_assert_num_queries(5):
            staff.get(QUEUE_URL)
        # The same three, then 4 the themes to choose from, 5 the answered FAQs counted, 6 the page of them with
        # their themes and whether each has a neighbour to swap with, 7 the questions waiting, for the navigation.
        with django_assert_num_queries(7):
            staff.get(MANAGE_URL)
        # A theme's: 4 that theme, then the same four.
        with django_assert_num_queries(8):
            staff.get(MANAGE_URL, {"theme": "independent-scrutiny"})


def test_manage_page_is_paginated_and_moves_across_pages(client_for, programme, facilitator):
    faqs = [make_faq(f"Question {number}?", order=number) for number in range(MANAGED_FAQS_PER_PAGE + 1)]
    client = client_for(facilitator)
    first_page = client.get(MANAGE_URL).content.decode()
    assert faqs[0].question in first_page and faqs[-1].question not in first_page
    # The last on the first page may still move down: its neighbour is on the next page.
    boundary = faqs[MANAGED_FAQS_PER_PAGE - 1]
    assert f'Move down<span class="visually-hidden">: {boundary.question}' in first_page
    assert f'Move up<span class="visually-hidden">: {faqs[0].question}' not in first_page
    response = client.post(reverse("resources:faq_move", args=[boundary.pk]), {"direction": "down"})
    # Back to where the FAQ now is: the second page of its theme's FAQs.
    assert response["Location"] == f"{MANAGE_URL}?theme=independent-scrutiny&page=2#{boundary.anchor}"
    second_page = client.get(response["Location"]).content.decode()
    assert f'id="{boundary.anchor}"' in second_page
    assert f'Move down<span class="visually-hidden">: {boundary.question}' not in second_page


def test_a_theme_with_answers_cannot_be_deleted_with_them(programme):
    faq = make_faq("Who chairs the panel?")
    with pytest.raises(ProtectedError):
        faq.theme.delete()
    assert FAQ.objects.filter(pk=faq.pk).exists()
