"""The review queue and the contributions list are kept in the shared cache under the content version: the same
lists serve every facilitator (or every lead of the same partnerships), yet a change shows at once, and nobody is
ever shown a list of examples they may not edit."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from learning import workflow
from learning.models import State
from partnerships.models import Membership, MembershipRole
from partnerships.roles import facilitators_group
from tests.conftest import make_user
from tests.learning_data import make_example

QUEUE_URL = reverse("learning:review_queue")
MY_EXAMPLES_URL = reverse("learning:my_examples")


@pytest.fixture
def shared_cache(settings):
    """The page cache on (as in production with Redis), on a cache emptied before and after the test."""
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_the_review_queue_counted_for_one_facilitator_serves_the_next(
    shared_cache, client_for, facilitator, partnership_a, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_example(partnership_a, State.SUBMITTED, title="Waiting since Monday")
    client_for(facilitator).get(QUEUE_URL)
    colleague = make_user("facilitator-2")
    colleague.groups.add(facilitators_group())
    client = client_for(colleague)
    # 1 the session, 2 the user, 3 whether they are a facilitator; the lists (and the navigation's count of
    # questions waiting) come from the shared cache.
    with django_assert_num_queries(3):
        html = client.get(QUEUE_URL).content.decode()
    assert "Waiting since Monday" in html


@pytest.mark.django_db
def test_a_new_submission_shows_in_the_cached_queue_at_once(
    shared_cache, client_for, facilitator, lead_a, partnership_a, rf, django_capture_on_commit_callbacks
):
    client = client_for(facilitator)
    assert "Nothing is waiting for review." in client.get(QUEUE_URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        example = make_example(partnership_a, State.DRAFT, title="Just submitted")
    request = rf.post("/")
    request.user = lead_a
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(request, example)
    html = client.get(QUEUE_URL).content.decode()
    assert "Just submitted" in html
    assert "Nothing is waiting for review." not in html


@pytest.mark.django_db
def test_a_leads_cached_list_is_never_shown_to_another_partnerships_lead(
    shared_cache, client_for, lead_a, lead_b, partnership_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_example(partnership_a, State.DRAFT, title="Devon private draft")
    assert "Devon private draft" in client_for(lead_a).get(MY_EXAMPLES_URL).content.decode()
    assert "Devon private draft" not in client_for(lead_b).get(MY_EXAMPLES_URL).content.decode()


@pytest.mark.django_db
def test_leads_of_the_same_partnership_share_the_list_and_see_a_return_at_once(
    shared_cache, client_for, lead_a, partnership_a, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        example = make_example(partnership_a, State.SUBMITTED, title="Devon submitted example")
    client_for(lead_a).get(MY_EXAMPLES_URL)
    colleague = make_user("lead-a-2")
    Membership.objects.create(user=colleague, partnership=partnership_a, role=MembershipRole.LEAD)
    client = client_for(colleague)
    # 1 the session, 2 the user, 3 whether they are a facilitator, 4 their led partnerships; the table and the
    # partnerships' names for the introduction come from the shared cache.
    with django_assert_num_queries(4):
        assert "Devon submitted example" in client.get(MY_EXAMPLES_URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_with_feedback(type("Request", (), {"user": colleague})(), example, "Name the contact, please.")
    assert "Name the contact, please." in client.get(MY_EXAMPLES_URL).content.decode()
