"""Helpers for the browser tests: wait for the page an action opened, and measure what a keyboard user sees.

A click that navigates returns before the new document exists; anything that reads the page straight after it
(axe-core above all) can read the old document or none. Every check therefore starts with ``arrive``.
"""

import re

from playwright.sync_api import Page


def arrive(page: Page, heading=None, url=None):
    """Wait for the page the last action opened: its URL and/or its main heading, then its load event."""
    if url is not None:
        page.wait_for_url(url)
    if heading is not None:
        page.get_by_role("heading", level=1, name=heading).wait_for()
    page.wait_for_load_state("load")


# In-page helpers for the scripts below: colours parsed from computed styles, blended, and WCAG contrast.
COLOUR_FUNCTIONS = """
  const colours = (text) => [...(text || '').matchAll(/rgba?\\(([^)]+)\\)/g)].map((m) => {
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  });
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  // The nearest opaque background behind an element, with any translucent layers in between blended over it.
  const backgroundBehind = (start) => {
    const layers = [];
    for (let node = start; node; node = node.parentElement) {
      const [colour] = colours(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    let background = [255, 255, 255, 1];
    for (const layer of layers.reverse()) background = over(layer, background);
    return background;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const rgb = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(', ')})`;
"""

# Runs in the page: the focused element's indicator colours (outline, box-shadows) against the nearest opaque
# background around it (from its parent: the ring is drawn outside it), each blended over that background, and
# the best contrast ratio among them.
FOCUS_RING_SCRIPT = (
    """() => {"""
    + COLOUR_FUNCTIONS
    + """
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const background = backgroundBehind(el.parentElement);
  const style = getComputedStyle(el);
  const indicators = [];
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
    indicators.push(...colours(style.outlineColor));
  }
  if (style.boxShadow && style.boxShadow !== 'none') {
    // Each shadow is "colour x y blur spread"; one that is only a colour with no size draws nothing.
    for (const shadow of style.boxShadow.split(/,(?![^(]*\\))/)) {
      const sizes = (shadow.replace(/rgba?\\([^)]*\\)/, '').match(/-?[\\d.]+px/g) || []).map(parseFloat);
      if (sizes.some((size) => size !== 0)) indicators.push(...colours(shadow));
    }
  }
  const best = Math.max(1, ...indicators.filter((c) => c[3] > 0).map((c) => ratio(over(c, background), background)));
  const label = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 40);
  return {
    index: [...document.querySelectorAll('*')].indexOf(el),
    element: el.tagName.toLowerCase() + (el.type ? `[type=${el.type}]` : '')
      + [...el.classList].map((c) => '.' + c).join(''),
    label,
    ratio: Math.round(best * 100) / 100,
    background: rgb(background),
  };
}"""
)

# Runs in the page: the text contrast of every element matching a selector, against what is behind it.
TEXT_CONTRAST_SCRIPT = (
    """(selector) => {"""
    + COLOUR_FUNCTIONS
    + """
  return [...document.querySelectorAll(selector)].map((el) => {
    const background = backgroundBehind(el);
    const [colour] = colours(getComputedStyle(el).color);
    return {
      text: el.innerText.trim().replace(/\\s+/g, ' ').slice(0, 50),
      ratio: Math.round(ratio(over(colour, background), background) * 100) / 100,
      colours: `${rgb(colour)} on ${rgb(background)}`,
    };
  });
}"""
)


def tab_through(page: Page, limit=250):
    """Press Tab from where focus is until it comes back round; return each focused element's ring contrast.

    Focus passes through the browser's own controls (no element focused) once between the last element and the
    first, so a page whose error summary took focus is still walked whole.
    """
    seen, stops, outside = set(), [], 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_RING_SCRIPT)
        if stop is None:
            outside += 1
            if outside > 1:
                break
            continue
        if stop["index"] in seen:
            break
        seen.add(stop["index"])
        stops.append(stop)
    return stops


def element_kind(stop):
    """A short name for the kind of control ("a.nav-link", "button.btn.btn-primary") to summarise results by."""
    return re.sub(r"\.(active|collapsed|show|is-invalid|fw-\w+|me-\w+|ms-\w+|mt-\w+|d-\w+)\b", "", stop["element"])
