"""Public pages go out compressed; nothing that carries a secret does (BREACH), see ea_portal.page_cache."""

import gzip

import pytest
from django.core.cache import cache
from django.test import Client

from tests.test_resources import make_resource

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body(response):
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content).decode()
    return response.content.decode()


@pytest.mark.parametrize("path", ["/", "/matrix/", "/learning/", "/resources/", "/faqs/", "/learning/feed/rss/"])
def test_public_pages_are_compressed_for_clients_that_take_gzip(client, programme, path):
    plain = client.get(path)
    compressed = client.get(path, **GZIP)
    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content)
    assert body(compressed) == plain.content.decode()


def test_nothing_is_compressed_for_a_client_that_does_not_ask(client, programme):
    assert "Content-Encoding" not in client.get("/")


@pytest.mark.parametrize("path", ["/accounts/login/", "/newsletter/", "/faqs/ask/"])
def test_a_page_with_a_csrf_token_is_never_compressed(client, programme, path):
    response = client.get(path, **GZIP)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in body(response)
    assert "Content-Encoding" not in response


def test_a_logged_in_users_pages_are_never_compressed(client_for, lead_a, facilitator):
    for user in (lead_a, facilitator):
        signed_in = client_for(user)
        for path in ("/", "/matrix/", "/learning/", "/contribute/"):
            response = signed_in.get(path, **GZIP)
            assert response.status_code == 200
            assert "Content-Encoding" not in response, path


def test_a_download_is_sent_as_it_is(client, programme):
    resource = make_resource("Scrutiny toolkit", file=b"%PDF-1.4 " + b"x" * 5000)
    response = client.get(f"/resources/{resource.slug}/download/", **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_cached_pages_keep_a_compressed_and_a_plain_copy(client, programme, settings):
    settings.PAGE_CACHE = True
    cache.clear()
    try:
        assert client.get("/", **GZIP)["X-Cache"] == "miss"
        compressed = client.get("/", **GZIP)
        assert compressed["X-Cache"] == "hit"
        assert compressed["Content-Encoding"] == "gzip"
        plain = Client().get("/")
        assert plain["X-Cache"] == "miss"
        assert "Content-Encoding" not in plain
        assert body(compressed) == plain.content.decode()
    finally:
        cache.clear()
