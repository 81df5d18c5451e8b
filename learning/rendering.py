"""Markdown to safe HTML. Everything users write goes through here: Markdown is rendered, then sanitised by
nh3 (Ammonia), so no raw HTML, event handler or javascript: link reaches a page."""

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
# User headings sit inside a page's own h2 sections: any level becomes h3 so the outline stays correct.
HEADING = re.compile(r"<(/?)h[1-6]\b")


def render_markdown(text):
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    html = HEADING.sub(r"<\1h3", html)
    return mark_safe(  # noqa: S308 (sanitised by nh3 on this line)
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )
