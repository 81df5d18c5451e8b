"""Markdown to safe HTML, for everything people write on the portal (learning examples, resources, FAQs,
newsletters).

The rendered HTML is sanitised by nh3 (Ammonia) with an allow-list of tags and attributes and links only to
http, https and mailto addresses, so no script, event handler, embedded frame or javascript: link reaches a
page or an email. The writer's Markdown itself is stored untouched.
"""

import re

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Writers' headings sit inside a page's own h1/h2 outline: every level becomes h3 so the outline stays right.
HEADING = re.compile(r"<(/?)h[1-6]\b")


def render_markdown(text):
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    html = HEADING.sub(r"<\1h3", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
