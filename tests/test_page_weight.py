"""The home page and everything it loads stay light on the wire (issue 14: at most 60 KB), and the one piece of
behaviour that used to need Bootstrap's JavaScript, the narrow screen's Menu button, still works without it."""

import gzip
import re

import pytest
from django.core.management import call_command

from tests.browser import arrive

HOME_WITH_ASSETS_LIMIT = 60 * 1024
ASSET = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="/static/([^"]+)"')


@pytest.fixture
def collected_static(settings, tmp_path):
    """The static files as production serves them: WhiteNoise's compressed storage writes .gz and .br beside each."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path


def on_the_wire(path):
    """What a browser that takes Brotli receives: the smallest of the file and its compressed copies."""
    copies = [path, path.with_name(path.name + ".br"), path.with_name(path.name + ".gz")]
    return min(copy.stat().st_size for copy in copies if copy.exists())


def test_home_with_all_its_assets_is_at_most_60_kb_on_the_wire(client, programme, collected_static):
    html = client.get("/").content
    assets = ASSET.findall(html.decode())
    assert "vendor/bootstrap/bootstrap.min.css" in assets
    sizes = {asset: on_the_wire(collected_static / asset) for asset in assets}
    total = len(gzip.compress(html)) + sum(sizes.values())
    assert total <= HOME_WITH_ASSETS_LIMIT, f"{total} bytes: {sizes}"


def test_no_page_loads_bootstraps_javascript(client, programme):
    assert "bootstrap.bundle" not in client.get("/").content.decode()


def test_the_menu_button_opens_and_closes_the_navigation_on_a_narrow_screen(page, programme, axe):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/")
    arrive(page, heading="Safeguarding Early Adopters")
    menu = page.get_by_role("button", name="Menu")
    navigation = page.locator("#main-navigation")
    assert not navigation.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert navigation.is_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    axe(page)
    navigation.get_by_role("link", name="Learning examples").click()
    arrive(page, url="**/learning/")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Menu").click()
    assert not page.locator("#main-navigation").is_visible()
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "false"
