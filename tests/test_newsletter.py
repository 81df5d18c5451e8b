"""Newsletter sign-up with double opt-in, unsubscribing, the archive, issue curation and the admin's CSV export."""

import csv
import io
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.cache import cache
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from ea_portal.spreadsheets import neutralise
from partnerships.models import Theme
from resources.models import NewsletterDelivery, NewsletterIssue, Subscriber, SubscriberStatus
from resources.newsletter import confirmation_token, list_unsubscribe_headers, unsubscribe_token

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("resources:newsletter_signup")
ARCHIVE_URL = reverse("resources:newsletter_archive")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def sign_up(client, email="Person@Example.org", **extra):
    data = {"email": email, "name": "Pat", "organisation": "Devon CC", "consent": "on", **extra}
    return client.post(SIGNUP_URL, data)


def link_in(email, kind):
    (url,) = re.findall(rf"https?://\S+/newsletter/{kind}/\S+/", email.body)
    return url


def make_subscriber(email, status=SubscriberStatus.CONFIRMED, themes=()):
    subscriber = Subscriber.objects.create(
        email=email,
        status=status,
        consent_text=settings.NEWSLETTER_CONSENT_TEXT,
        consented_at=timezone.now(),
        confirmed_at=timezone.now() if status == SubscriberStatus.CONFIRMED else None,
    )
    subscriber.themes.set(themes)
    return subscriber


# Sign-up and double opt-in -----------------------------------------------------------------------------------


def test_double_opt_in(client, programme):
    scrutiny = Theme.objects.get(slug="independent-scrutiny")
    response = sign_up(client, themes=[scrutiny.pk])
    assert response.status_code == 302 and response["Location"] == reverse("resources:newsletter_check_email")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "person@example.org"
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consent_text == settings.NEWSLETTER_CONSENT_TEXT and subscriber.consented_at
    assert list(subscriber.themes.all()) == [scrutiny]
    (email,) = mail.outbox
    assert email.to == ["person@example.org"]
    confirm_url = link_in(email, "confirm")

    # Following the link shows a button (mail scanners follow links); nothing is confirmed by a GET.
    page = client.get(confirm_url)
    assert "Confirm my sign-up" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING

    confirmed = client.post(confirm_url)
    assert "You are signed up" in confirmed.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.confirmed_at


def test_consent_is_required_and_input_kept(client, programme):
    response = client.post(SIGNUP_URL, {"email": "pat@example.org", "name": "Pat Smith"})
    html = response.content.decode()
    assert "Tick the box to agree" in html
    assert 'value="pat@example.org"' in html and 'value="Pat Smith"' in html
    assert not Subscriber.objects.exists() and not mail.outbox


def test_expired_link_is_refused(client, programme, settings):
    sign_up(client)
    confirm_url = link_in(mail.outbox[0], "confirm")
    later = timezone.now().timestamp() + settings.NEWSLETTER_CONFIRMATION_MAX_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(confirm_url)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


@pytest.mark.parametrize("tamper", ["change-id", "garbage", "unsubscribe-token"])
def test_tampered_link_is_refused(client, programme, tamper):
    sign_up(client)
    other = make_subscriber("other@example.org", status=SubscriberStatus.PENDING)
    token = confirmation_token(Subscriber.objects.get(email="person@example.org"))
    if tamper == "change-id":
        token = f"{other.pk}:{token.split(':', 1)[1]}"
    elif tamper == "garbage":
        token = "not-a-token"
    else:
        token = unsubscribe_token(other)
    response = client.post(reverse("resources:newsletter_confirm", args=[token]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).exists()


def test_signing_up_again_in_another_case_resends_without_duplicating(client, programme):
    sign_up(client, "person@example.org")
    sign_up(client, "PERSON@EXAMPLE.ORG", name="Pat Again")
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().name == "Pat Again"
    assert len(mail.outbox) == 2
    assert all(email.to == ["person@example.org"] for email in mail.outbox)
    # Either link confirms.
    client.post(link_in(mail.outbox[0], "confirm"))
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


def test_database_refuses_a_second_row_for_an_address_in_another_case(programme):
    from django.db import IntegrityError

    make_subscriber("case@example.org")
    with pytest.raises(IntegrityError):
        Subscriber.objects.bulk_create(
            [Subscriber(email="CASE@example.org", consent_text="x", consented_at=timezone.now())]
        )


def test_known_and_unknown_addresses_get_the_same_response(client, programme):
    make_subscriber("known@example.org", themes=[Theme.objects.get(slug="learning-reviews")])
    known = sign_up(client, "known@example.org", name="Someone else")
    unknown = sign_up(client, "new@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    known_page = client.get(known["Location"]).content
    assert known_page == client.get(unknown["Location"]).content
    # The confirmed subscriber's details are not changed by someone else's form...
    subscriber = Subscriber.objects.get(email="known@example.org")
    assert subscriber.name == "" and subscriber.status == SubscriberStatus.CONFIRMED
    assert [theme.slug for theme in subscriber.themes.all()] == ["learning-reviews"]
    # ...and its owner is told by email instead.
    assert "already signed up" in mail.outbox[0].body


def test_sign_up_is_rate_limited_per_client(client, programme, settings):
    settings.NEWSLETTER_SIGNUP_RATE = "3/h"
    for number in range(3):
        assert sign_up(client, f"p{number}@example.org").status_code == 302
    response = sign_up(client, "p9@example.org")
    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert len(mail.outbox) == 3


def test_sign_up_from_another_client_is_not_limited(client, programme, settings):
    settings.NEWSLETTER_SIGNUP_RATE = "2/h"
    sign_up(client, "a@example.org")
    sign_up(client, "b@example.org")
    data = {"email": "c@example.org", "consent": "on"}
    assert client.post(SIGNUP_URL, data, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_confirmation_emails_to_one_address_are_rate_limited(client, programme, settings):
    settings.NEWSLETTER_SIGNUP_RATE = "2/h"
    data = {"email": "victim@example.org", "consent": "on"}
    for number in range(4):
        client.post(SIGNUP_URL, data, REMOTE_ADDR=f"10.0.0.{number}")
    assert len(mail.outbox) == 2


# Unsubscribing -------------------------------------------------------------------------------------------------


def test_unsubscribe_get_asks_then_post_unsubscribes(client, programme):
    subscriber = make_subscriber("reader@example.org")
    url = reverse("resources:newsletter_unsubscribe", args=[unsubscribe_token(subscriber)])
    page = client.get(url)
    assert "Stop sending the Safeguarding Early Adopters newsletter to reader@example.org?" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    done = client.post(url)
    assert "You are unsubscribed" in done.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED and subscriber.unsubscribed_at


def test_one_click_unsubscribe_from_the_headers_without_csrf(programme):
    from django.test import Client

    subscriber = make_subscriber("reader@example.org")
    headers = list_unsubscribe_headers(subscriber)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_forged_unsubscribe_does_nothing(programme):
    from django.test import Client

    subscriber = make_subscriber("reader@example.org")
    forged = signing.Signer(salt="another-salt").sign(str(subscriber.pk))
    response = Client(enforce_csrf_checks=True).post(reverse("resources:newsletter_unsubscribe", args=[forged]))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_unsubscribed_can_sign_up_again_and_old_confirm_links_stop_working(client, programme):
    sign_up(client)
    first_link = link_in(mail.outbox[0], "confirm")
    subscriber = Subscriber.objects.get()
    client.post(reverse("resources:newsletter_unsubscribe", args=[unsubscribe_token(subscriber)]))
    assert client.post(first_link).status_code == 400
    sign_up(client)
    client.post(link_in(mail.outbox[-1], "confirm"))
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


# Archive and issue curation -------------------------------------------------------------------------------------


def make_issue(subject, published=True, body="Hello **readers**.", themes=()):
    issue = NewsletterIssue.objects.create(
        subject=subject,
        slug=subject.lower().replace(" ", "-"),
        body=body,
        published_at=timezone.now() if published else None,
    )
    issue.themes.set(themes)
    return issue


def test_archive_lists_published_issues(client, programme):
    make_issue("Spring update")
    draft = make_issue("Draft issue", published=False)
    html = client.get(ARCHIVE_URL).content.decode()
    assert "Spring update" in html and "Draft issue" not in html
    assert client.get(draft.get_absolute_url()).status_code == 404
    detail = client.get(reverse("resources:newsletter_issue", args=["spring-update"])).content.decode()
    assert "<strong>readers</strong>" in detail


def test_archive_query_count_does_not_grow(client, programme, django_assert_num_queries):
    themes = list(Theme.objects.all())
    for total in (3, 40):
        for number in range(NewsletterIssue.objects.count(), total):
            make_issue(f"Issue {number}", themes=themes[: number % 3])
        # 1 the paginator's count, 2 the page of issues, 3 their themes (prefetched).
        with django_assert_num_queries(3):
            client.get(ARCHIVE_URL)


def test_facilitator_writes_and_publishes_an_issue(client_for, programme, facilitator):
    client = client_for(facilitator)
    client.post(
        reverse("resources:newsletter_issue_create"),
        {"subject": "Summer update", "body": "News.", "themes": [Theme.objects.get(slug="learning-reviews").pk]},
    )
    issue = NewsletterIssue.objects.get()
    assert issue.slug == "summer-update" and not issue.is_published
    client.post(reverse("resources:newsletter_issue_publish", args=[issue.slug]), {"action": "publish"})
    issue.refresh_from_db()
    assert issue.is_published
    assert "Summer update" in client_for(None).get(ARCHIVE_URL).content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("facilitator", {200, 302}), ("lead_a", {403}), ("lead_b", {403}), (None, {302})],
)
def test_issue_curation_roles(client_for, request, programme, who, expected):
    user = request.getfixturevalue(who) if who else None
    issue = make_issue("Draft", published=False)
    client = client_for(user)
    for method, url in [
        ("get", reverse("resources:newsletter_issue_create")),
        ("get", reverse("resources:newsletter_issue_edit", args=[issue.slug])),
        ("post", reverse("resources:newsletter_issue_publish", args=[issue.slug])),
    ]:
        response = getattr(client, method)(url, {"action": "publish"} if method == "post" else None)
        assert response.status_code in expected, url
        if user is None:
            assert response["Location"].startswith(reverse("login"))
    issue.refresh_from_db()
    assert issue.is_published == (who == "facilitator")


# Admin: list, filter, export, delete -------------------------------------------------------------------------------


@pytest.fixture
def admin_client_logged_in(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "a-long-test-password-1")
    client.force_login(admin)
    return client


def test_admin_lists_and_filters_subscribers(admin_client_logged_in, programme):
    scrutiny = Theme.objects.get(slug="independent-scrutiny")
    make_subscriber("one@example.org", themes=[scrutiny])
    make_subscriber("two@example.org", status=SubscriberStatus.PENDING)
    url = reverse("admin:resources_subscriber_changelist")
    html = admin_client_logged_in.get(url, {"status__exact": "pending"}).content.decode()
    assert "two@example.org" in html and "one@example.org" not in html
    html = admin_client_logged_in.get(url, {"themes__id__exact": scrutiny.pk}).content.decode()
    assert "one@example.org" in html and "two@example.org" not in html
    html = admin_client_logged_in.get(url, {"q": "two@"}).content.decode()
    assert "two@example.org" in html and "one@example.org" not in html


def test_admin_list_query_count_does_not_grow(admin_client_logged_in, programme, django_assert_num_queries):
    url = reverse("admin:resources_subscriber_changelist")
    for total in (3, 60):
        for number in range(Subscriber.objects.count(), total):
            make_subscriber(f"s{number}@example.org")
        # 1 session, 2 user, 3 the themes for the theme filter, 4 the paginator's count, 5 the unfiltered count,
        # 6 the page of subscribers, 7 the date hierarchy's first and last dates, 8 the dates it offers.
        with django_assert_num_queries(8):
            admin_client_logged_in.get(url)


def read_csv(response):
    """The header and rows; the last line, which only a complete export has, gives the number of rows."""
    assert isinstance(response, StreamingHttpResponse)
    *rows, end = csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert end == [f"# end of export: {len(rows) - 1} rows"]
    return rows


def test_csv_export_is_streamed_and_neutralises_formulas(admin_client_logged_in, programme):
    subscriber = make_subscriber("safe@example.org", themes=[Theme.objects.get(slug="learning-reviews")])
    subscriber.name = '=HYPERLINK("http://evil")'
    subscriber.organisation = "+44 council"
    subscriber.save()
    make_subscriber("other@example.org", status=SubscriberStatus.PENDING)
    response = admin_client_logged_in.get(reverse("admin:resources_subscriber_export"), {"status__exact": "confirmed"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:5] == ["Email", "Name", "Organisation", "Status", "Themes"]
    (row,) = rows
    assert row[:5] == [
        "safe@example.org",
        '\'=HYPERLINK("http://evil")',
        "'+44 council",
        "Confirmed",
        "Learning reviews",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("plain", "plain"), ("a=b", "a=b")],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_export_query_count_is_constant(admin_client_logged_in, programme, django_assert_max_num_queries):
    themes = list(Theme.objects.all())
    for number in range(30):
        make_subscriber(f"bulk{number}@example.org", themes=themes[: number % 4])
    response = admin_client_logged_in.get(reverse("admin:resources_subscriber_export"))
    # 1 session and 2 user (before streaming); then per chunk of 2,000 rows: the rows and their themes.
    with django_assert_max_num_queries(2):
        rows = read_csv(response)
    assert len(rows) == 31


def test_csv_export_admin_action(admin_client_logged_in, programme):
    chosen = make_subscriber("chosen@example.org")
    make_subscriber("other@example.org")
    response = admin_client_logged_in.post(
        reverse("admin:resources_subscriber_changelist"), {"action": "export_csv", "_selected_action": [chosen.pk]}
    )
    assert [row[0] for row in read_csv(response)] == ["Email", "chosen@example.org"]


def test_admin_deletes_a_subscribers_data_on_request(admin_client_logged_in, programme):
    subscriber = make_subscriber("forget-me@example.org")
    NewsletterDelivery.objects.create(issue=make_issue("Sent one"), subscriber=subscriber)
    admin_client_logged_in.post(
        reverse("admin:resources_subscriber_changelist"),
        {"action": "delete_selected", "_selected_action": [subscriber.pk], "post": "yes"},
    )
    assert not Subscriber.objects.filter(email="forget-me@example.org").exists()
    assert not NewsletterDelivery.objects.exists()


def test_non_staff_cannot_export(client_for, programme, facilitator):
    response = client_for(facilitator).get(reverse("admin:resources_subscriber_export"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
