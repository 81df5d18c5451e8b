"""The facilitators' curation of questions to consider and approaches being taken: adding and editing."""

import pytest
from django.urls import reverse

from learning.models import CuratedItem, ItemKind
from partnerships.models import Theme
from tests.html import visible_text

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("learning:curation_create")


def item_data(theme, **changes):
    return {
        "theme": theme.pk,
        "kind": ItemKind.QUESTION,
        "group": "",
        "text": "Who chairs the **learning review** panel?",
        "source": "Devon, Plymouth and Torbay",
    } | changes


def test_facilitator_adds_a_question_which_the_theme_page_shows(client_for, facilitator, programme):
    theme = Theme.objects.get(slug="learning-reviews")
    client = client_for(facilitator)
    response = client.post(CREATE_URL, item_data(theme))
    item = CuratedItem.objects.get()
    assert (item.theme, item.kind, item.order, item.source) == (
        theme,
        ItemKind.QUESTION,
        1,
        "Devon, Plymouth and Torbay",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('learning:curation_list')}#item-{item.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "has been added to" in page
    assert "Who chairs the learning review panel?" in visible_text(client.get(theme.get_absolute_url()).content)


def test_a_question_without_text_is_refused_and_nothing_is_added(client_for, facilitator, programme):
    theme = Theme.objects.get(slug="learning-reviews")
    response = client_for(facilitator).post(CREATE_URL, item_data(theme, text="", source="Kept source"))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert 'value="Kept source"' in response.content.decode()
    assert not CuratedItem.objects.exists()


def test_facilitator_edits_an_item_moving_it_to_another_theme(client_for, facilitator, programme):
    first, second = Theme.objects.get(slug="learning-reviews"), Theme.objects.get(slug="independent-scrutiny")
    item = CuratedItem.objects.create(theme=first, kind=ItemKind.QUESTION, text="Old wording", order=1)
    url = reverse("learning:curation_edit", args=[item.pk])
    response = client_for(facilitator).post(url, item_data(second, kind=ItemKind.APPROACH, text="New wording"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert (item.theme, item.kind, item.text) == (second, ItemKind.APPROACH, "New wording")


def test_a_refused_edit_changes_nothing(client_for, facilitator, programme):
    theme = Theme.objects.get(slug="learning-reviews")
    item = CuratedItem.objects.create(theme=theme, kind=ItemKind.QUESTION, text="Old wording", order=1)
    url = reverse("learning:curation_edit", args=[item.pk])
    response = client_for(facilitator).post(url, item_data(theme, kind="not-a-kind", text="New wording"))
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.kind, item.text) == (ItemKind.QUESTION, "Old wording")
