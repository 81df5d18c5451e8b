"""Roles x views: every learning page as the facilitator, a lead of the owning partnership, a lead of another
partnership and an anonymous visitor. Unpublished examples are 404 to anyone who may not see them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from learning.models import CuratedItem, ItemKind, State
from partnerships.models import Theme
from tests.learning_data import make_example

ROLES = ["facilitator", "lead_a", "lead_b", "anonymous"]
LOGIN = "login"

# (name, method, url name, example or item fixture key, extra POST data, expected per role in ROLES order).
# "login" means a 302 to the log-in page; a plain 302 is a redirect elsewhere (after an action, or an owner
# told why the example cannot be edited now).
CASES = [
    ("enquiry framework", "get", "learning:enquiry_framework", None, {}, [200, 200, 200, 200]),
    ("example list", "get", "learning:example_list", None, {}, [200, 200, 200, 200]),
    ("stage guide", "get", "learning:stage_guide", None, {}, [200, 200, 200, 200]),
    ("published example", "get", "learning:example_detail", "published", {}, [200, 200, 200, 200]),
    ("draft example", "get", "learning:example_detail", "draft", {}, [200, 200, 404, 404]),
    ("submitted example", "get", "learning:example_detail", "submitted", {}, [200, 200, 404, 404]),
    ("my examples", "get", "learning:my_examples", None, {}, [200, 200, 200, LOGIN]),
    ("create", "get", "learning:example_create", None, {}, [200, 200, 200, LOGIN]),
    ("edit draft", "get", "learning:example_edit", "draft", {}, [200, 200, 404, LOGIN]),
    ("edit submitted", "get", "learning:example_edit", "submitted", {}, [200, 302, 404, LOGIN]),
    # Editing a published example proposes a revision (tests/test_learning_revisions.py).
    ("edit published", "get", "learning:example_edit", "published", {}, [200, 200, 403, LOGIN]),
    ("submit draft (form)", "get", "learning:example_submit", "draft", {}, [200, 200, 404, LOGIN]),
    (
        "submit draft",
        "post",
        "learning:example_submit",
        "draft",
        {"anonymity_confirmed": "on"},
        [302, 302, 404, LOGIN],
    ),
    ("review queue", "get", "learning:review_queue", None, {}, [200, 403, 403, LOGIN]),
    ("review submitted", "get", "learning:example_review", "submitted", {}, [200, 403, 404, LOGIN]),
    ("review published", "get", "learning:example_review", "published", {}, [200, 403, 403, LOGIN]),
    (
        "publish",
        "post",
        "learning:example_publish",
        "submitted",
        {"publish-anonymity_confirmed": "on"},
        [302, 403, 404, LOGIN],
    ),
    (
        "return",
        "post",
        "learning:example_return",
        "submitted",
        {"return-feedback": "Say more about impact."},
        [302, 403, 404, LOGIN],
    ),
    ("unpublish", "post", "learning:example_unpublish", "published", {}, [302, 403, 403, LOGIN]),
    ("history", "get", "learning:example_history", "draft", {}, [200, 403, 404, LOGIN]),
    ("history of published", "get", "learning:example_history", "published", {}, [200, 403, 403, LOGIN]),
    ("compare", "get", "learning:example_compare", "draft", {}, [200, 403, 404, LOGIN]),
    ("restore (confirm)", "get", "learning:example_restore", "draft", {}, [200, 403, 404, LOGIN]),
    ("restore", "post", "learning:example_restore", "draft", {}, [302, 403, 404, LOGIN]),
    ("restore published (confirm)", "get", "learning:example_restore", "published", {}, [200, 403, 403, LOGIN]),
    ("restore published", "post", "learning:example_restore", "published", {}, [302, 403, 403, LOGIN]),
    ("curation list", "get", "learning:curation_list", None, {}, [200, 403, 403, LOGIN]),
    ("curation add", "get", "learning:curation_create", None, {}, [200, 403, 403, LOGIN]),
    ("curation edit", "get", "learning:curation_edit", "item", {}, [200, 403, 403, LOGIN]),
    ("curation remove (confirm)", "get", "learning:curation_delete", "item", {}, [200, 403, 403, LOGIN]),
    ("curation remove", "post", "learning:curation_delete", "item", {}, [302, 403, 403, LOGIN]),
]


@pytest.fixture
def objects(partnership_a):
    draft = make_example(partnership_a, State.DRAFT, title="A draft")
    # A second version so that comparing (version 1 with the current) has something to compare.
    draft.title = "A draft, renamed"
    draft.version = 2
    draft.save()
    from learning.history import record_version

    record_version(draft, None)
    return {
        "draft": draft,
        "submitted": make_example(partnership_a, State.SUBMITTED, title="A submitted example"),
        "published": make_example(partnership_a, State.PUBLISHED, title="A published example"),
        "item": CuratedItem.objects.create(
            theme=Theme.objects.get(slug="independent-scrutiny"), kind=ItemKind.QUESTION, text="Who scrutinises?"
        ),
    }


def url_for(name, target):
    if target is None:
        return reverse(name)
    if isinstance(target, CuratedItem):
        return reverse(name, args=[target.pk])
    if name == "learning:example_restore":
        return reverse(name, args=[target.slug, 1])
    return reverse(name, args=[target.slug])


@pytest.mark.django_db
@pytest.mark.parametrize(("role_index", "role"), list(enumerate(ROLES)))
@pytest.mark.parametrize(("label", "method", "name", "target", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_roles_by_views(request, client_for, objects, role_index, role, label, method, name, target, data, expected):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    url = url_for(name, objects.get(target))
    response = getattr(client, method)(url, data)
    outcome = expected[role_index]
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == outcome, f"{label} as {role}"
        if outcome == 302:
            assert not response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_user_with_no_role_cannot_contribute_or_review(client_for, objects):
    user = get_user_model().objects.create_user("no-role", "no-role@example.org", "a-long-test-password-1")
    client = client_for(user)
    for name in ["learning:my_examples", "learning:example_create", "learning:review_queue", "learning:curation_list"]:
        assert client.get(reverse(name)).status_code == 403
    assert client.get(objects["draft"].get_absolute_url()).status_code == 404
    assert client.get(objects["published"].get_absolute_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["example_publish", "example_return", "example_unpublish"])
def test_state_changes_are_post_only(client_for, facilitator, objects, name):
    url = url_for(f"learning:{name}", objects["submitted"])
    assert client_for(facilitator).get(url).status_code == 405


@pytest.mark.django_db
def test_lead_cannot_create_an_example_for_another_partnership(client_for, lead_a, partnership_b):
    from tests.learning_data import example_form_data

    client = client_for(lead_a)
    response = client.post(reverse("learning:example_create"), example_form_data(partnership=partnership_b.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not partnership_b.learning_examples.exists()


@pytest.mark.django_db
def test_navigation_shows_each_role_only_what_it_can_do(client_for, facilitator, lead_a, programme):
    def nav_labels(user):
        html = client_for(user).get(reverse("home")).content.decode()
        return {label for label in ["Contribute", "Review", "Log in", "Log out"] if f">{label}<" in html}

    assert nav_labels(None) == {"Log in"}
    assert nav_labels(lead_a) == {"Contribute", "Log out"}
    assert nav_labels(facilitator) == {"Contribute", "Review", "Log out"}
