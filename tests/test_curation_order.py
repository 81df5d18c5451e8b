"""Curation order: facilitators put each theme's questions and approaches in order with move up / move down
buttons (POST forms, no script), not by typing a number; new items go last."""

import pytest
from django.urls import reverse

from learning.models import CuratedItem, ItemKind
from partnerships.models import Theme
from tests.html import visible_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("learning:curation_list")


def move_url(item):
    return reverse("learning:curation_move", args=[item.pk])


@pytest.fixture
def theme(programme):
    return Theme.objects.get(slug="learning-reviews")


@pytest.fixture
def approaches(theme):
    """Three approaches typed in with the old numbers (a repeat and a gap), and a question beside them."""
    items = [
        CuratedItem.objects.create(theme=theme, kind=ItemKind.APPROACH, text=text, order=order)
        for text, order in [("Peer review panels", 5), ("Joint audits", 5), ("Practitioner forums", 9)]
    ]
    CuratedItem.objects.create(theme=theme, kind=ItemKind.QUESTION, text="Who chairs the panel?", order=1)
    return items


def texts_in_order(theme, kind=ItemKind.APPROACH):
    return [item.text for item in CuratedItem.objects.filter(theme=theme, kind=kind).order_by("order", "pk")]


def theme_page_order(client, theme, texts):
    page = visible_text(client.get(theme.get_absolute_url()).content)
    return sorted(texts, key=page.index)


def test_facilitator_moves_an_approach_up_and_the_theme_page_follows(client_for, facilitator, theme, approaches):
    client = client_for(facilitator)
    joint_audits = approaches[1]
    response = client.post(move_url(joint_audits), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}#item-{joint_audits.pk}"
    expected = ["Joint audits", "Peer review panels", "Practitioner forums"]
    assert texts_in_order(theme) == expected
    # Numbered 1, 2, 3 from now on, whatever was typed before.
    assert sorted(CuratedItem.objects.filter(theme=theme, kind=ItemKind.APPROACH).values_list("order", flat=True)) == [
        1,
        2,
        3,
    ]
    assert "Moved the approach being taken “Joint audits” up." in client.get(LIST_URL).content.decode()
    assert theme_page_order(client, theme, expected) == expected
    # The question beside them is untouched.
    assert texts_in_order(theme, ItemKind.QUESTION) == ["Who chairs the panel?"]


def test_moving_down_and_past_the_end(client_for, facilitator, theme, approaches):
    client = client_for(facilitator)
    client.post(move_url(approaches[0]), {"direction": "down"})
    assert texts_in_order(theme) == ["Joint audits", "Peer review panels", "Practitioner forums"]
    last = approaches[2]
    client.post(move_url(last), {"direction": "down"})
    assert texts_in_order(theme) == ["Joint audits", "Peer review panels", "Practitioner forums"]
    assert "is already last" in client.get(LIST_URL).content.decode()


def test_the_list_offers_buttons_named_after_the_item_and_no_order_box(client_for, facilitator, theme, approaches):
    client = client_for(facilitator)
    page = client.get(LIST_URL).content.decode()
    text = visible_text(page)
    # The first cannot move up, the last cannot move down.
    assert "Move “Peer review panels” up" not in text
    assert "Move “Peer review panels” down" in text
    assert "Move “Joint audits” up" in text
    assert "Move “Practitioner forums” down" not in text
    assert f'action="{move_url(approaches[1])}"' in page
    form = client.get(reverse("learning:curation_edit", args=[approaches[0].pk])).content.decode()
    assert 'name="order"' not in form
    assert 'name="order"' not in client.get(reverse("learning:curation_create")).content.decode()


def test_new_items_go_last_and_an_item_moved_to_another_theme_goes_last_there(
    client_for, facilitator, theme, approaches
):
    client = client_for(facilitator)
    data = {"theme": theme.pk, "kind": ItemKind.APPROACH, "group": "", "text": "Shared training", "source": ""}
    client.post(reverse("learning:curation_create"), data | {"order": 1})  # a typed order is ignored
    assert texts_in_order(theme)[-1] == "Shared training"
    other = Theme.objects.get(slug="independent-scrutiny")
    CuratedItem.objects.create(theme=other, kind=ItemKind.APPROACH, text="Scrutineer visits", order=4)
    moved = approaches[0]
    client.post(reverse("learning:curation_edit", args=[moved.pk]), data | {"theme": other.pk, "text": moved.text})
    assert texts_in_order(other) == ["Scrutineer visits", "Peer review panels"]


def test_moving_needs_post(client_for, facilitator, approaches):
    assert client_for(facilitator).get(move_url(approaches[1])).status_code == 405


@pytest.mark.parametrize(("who", "status"), [("lead_a", 403), ("lead_b", 403), (None, 302)])
def test_only_facilitators_move_items(request, client_for, theme, approaches, who, status):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).post(move_url(approaches[1]), {"direction": "up"})
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith(reverse("login"))
    assert texts_in_order(theme) == ["Peer review panels", "Joint audits", "Practitioner forums"]


def test_an_unknown_item_is_not_found(client_for, facilitator, programme):
    assert (
        client_for(facilitator).post(reverse("learning:curation_move", args=[999]), {"direction": "up"}).status_code
        == 404
    )


def test_curation_list_query_count_is_fixed(client_for, facilitator, theme, django_assert_num_queries):
    client = client_for(facilitator)
    for total in (3, 60):
        for number in range(CuratedItem.objects.count(), total):
            CuratedItem.objects.create(theme=theme, kind=ItemKind.APPROACH, text=f"Approach {number}", order=number)
        # 1 the session, 2 the user, 3 is_facilitator, 4 the themes, 5 their items (prefetched), 6 the questions
        # waiting, for the navigation.
        with django_assert_num_queries(6):
            client.get(LIST_URL)
