import pytest
from django.urls import reverse

from tests.html import parse_tables, visible_text

PUBLIC_PAGES = [
    ("home", []),
    ("partnerships:matrix", []),
    ("partnerships:partnership_list", []),
    ("partnerships:partnership_detail", ["north-lincolnshire"]),
    ("partnerships:theme_list", []),
    ("partnerships:theme_detail", ["independent-scrutiny"]),
    ("partnerships:arrangement_list", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_every_page_has_one_h1_a_skip_link_landmarks_and_a_title(client, programme, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<header" in html and "<main" in html and "<footer" in html and 'aria-label="Main"' in html
    assert "<title>" in html and "– EA Portal</title>" in html
    assert "<script>" not in html and "style=" not in html, "the CSP allows no inline script or style"


@pytest.mark.django_db
def test_navigation_marks_the_current_section(client, programme):
    html = client.get(reverse("partnerships:partnership_detail", args=["york"])).content.decode()
    assert 'href="/partnerships/" aria-current="page"' in html
    assert 'href="/matrix/" aria-current' not in html


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client, programme):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_partnership_detail_shows_authorities_themes_and_arrangements(client, programme):
    text = visible_text(client.get(reverse("partnerships:partnership_detail", args=["devon-plymouth-torbay"])).content)
    assert "Devon, Plymouth, Torbay" in text and "South West" in text
    assert "Devon, Plymouth, Torbay" in text
    assert "Learning reviews" in text and "Practice challenges" in text
    # The deck gives no stage, so none is shown.
    assert "Stage:" not in text
    assert "our response to Working Together 2018" in text
    assert "Contextual safeguarding" not in text


@pytest.mark.django_db
def test_partnership_list_shows_region_and_theme_counts(client, programme):
    (table,) = parse_tables(client.get(reverse("partnerships:partnership_list")).content.decode())
    rows = {row[0]["text"]: [cell["text"] for cell in row[1:]] for row in table["tbody"]}
    assert len(rows) == 17
    assert rows["Bexley, Greenwich, Lewisham"] == ["London", "Bexley, Greenwich, Lewisham", "5"]
    assert rows["North West London Partnership"] == ["London", "Not listed in NCB's deck", "1"]


@pytest.mark.django_db
def test_theme_detail_lists_the_partnerships_working_on_it(client, programme):
    text = visible_text(client.get(reverse("partnerships:theme_detail", args=["contextual-safeguarding"])).content)
    assert "Trafford" in text and "North Lincolnshire" in text
    assert "Wiltshire" not in text


@pytest.mark.django_db
def test_theme_list_counts_partnerships(client, programme):
    text = visible_text(client.get(reverse("partnerships:theme_list")).content)
    assert "Engagement with schools and education" in text
    assert "8 partnerships working on it" in text
    assert "0 partnerships working on it" in text  # Information sharing is not in the matrix


@pytest.mark.django_db
def test_arrangements_page_links_the_three_documents(client, programme):
    html = client.get(reverse("partnerships:arrangement_list")).content.decode()
    (table,) = parse_tables(html)
    # Named as the deck names them: Bexley's document, not the three-authority partnership's.
    assert [row[0]["text"] for row in table["tbody"]] == ["Bexley", "Devon", "North Lincolnshire"]
    assert [row[1]["text"].split("The document")[0].strip() for row in table["tbody"]] == [
        "Bexley, Greenwich, Lewisham",
        "Devon, Plymouth, Torbay",
        "North Lincolnshire",
    ]
    assert "http://www.northlincsmars.co.uk/wp-content/uploads/2018/11/CMARS-Local-Arrangements-Plan.pdf" in html
    assert "October 2018" in html


@pytest.mark.django_db
def test_unknown_pages_get_the_styled_404(client, programme):
    response = client.get("/partnerships/atlantis/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="#main"' in response.content.decode()
