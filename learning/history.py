"""Versions of an example: a snapshot on every save, the differences between two, and restoring one.

Why not django-reversion or django-simple-history (judged for issue 10): either would replace only the easy
part, the snapshot table (`ExampleVersion` and `record_version`, about twenty lines), and neither does the
three things this module exists for:
- the optimistic lock (`save_with_version`: a save names the version it started from and is refused as
  StaleVersion if someone saved since) — both libraries record whatever was saved, last writer wins;
- the word-by-word differences of the Markdown sections (`differences`) — simple-history's `diff_against` says
  which fields changed, not which words; django-reversion needs django-reversion-compare (a third package,
  GPL-3.0) for a comparison view, built for the admin;
- a pending revision (a lead's edit to a published example waiting for review while the published text stays
  live) — both store what was saved to the row, not a proposal beside it, so that would be our own table anyway.
A snapshot also keeps the partnership's and themes' names as they were, for the comparison page; with a library
those would be ids of rows that may since have been renamed. So: hand-written, with ExampleVersion in
learning.models, until a library does the lock and the review of pending changes.
"""

import difflib
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from learning.models import SECTIONS, ExampleVersion, LearningExample
from partnerships.models import Partnership, Theme

# The fields a version keeps and compares, with their labels, in the order the form shows them.
COMPARED_FIELDS = [
    ("title", "Title"),
    ("partnership_name", "Partnership"),
    ("theme_names", "Themes"),
    ("stage_label", "Stage of development"),
    ("summary", "Summary"),
    *SECTIONS,
    ("contact_name", "Contact name"),
    ("contact_role", "Contact's role"),
    ("contact_email", "Contact email"),
]
TEXT_FIELDS = ["title", "summary", *[name for name, _ in SECTIONS], "contact_name", "contact_role", "contact_email"]


class StaleVersion(Exception):
    """Someone else saved the example after this editor opened it."""


def snapshot(example):
    themes = sorted(example.themes.all(), key=lambda theme: theme.name)
    return {
        **{name: getattr(example, name) for name in TEXT_FIELDS},
        "stage": example.stage,
        "stage_label": example.get_stage_display() or "Not recorded",
        "partnership": example.partnership_id,
        "partnership_name": example.partnership.name if example.partnership_id else "None (NCB)",
        "themes": [theme.pk for theme in themes],
        "theme_names": ", ".join(theme.name for theme in themes),
    }


def record_version(example, user, note=""):
    return ExampleVersion.objects.create(
        example=example, number=example.version, content=snapshot(example), saved_by=user, note=note
    )


@transaction.atomic
def save_with_version(form, user, expected_version, note=""):
    """Save a bound, valid example form unless someone saved since `expected_version`; keep a version.

    Raises StaleVersion, changing nothing, when the example has moved on."""
    example = form.instance
    if example.pk:
        claimed = LearningExample.objects.filter(pk=example.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StaleVersion
        example.version = expected_version + 1
    else:
        example.created_by = user
        example.assign_unique_slug()
    example = form.save()
    record_version(example, user, note)
    return example


@transaction.atomic
def restore_version(example, version, user):
    content = version.content
    for name in TEXT_FIELDS:
        setattr(example, name, content.get(name, ""))
    example.stage = content["stage"]
    # A partnership or theme deleted since the version was saved cannot come back; the rest does.
    partnership_id = content.get("partnership")
    example.partnership = Partnership.objects.filter(pk=partnership_id).first() if partnership_id else None
    LearningExample.objects.filter(pk=example.pk).update(version=F("version") + 1)
    example.refresh_from_db(fields=["version"])
    example.save()
    example.themes.set(Theme.objects.filter(pk__in=content.get("themes", [])))
    return record_version(example, user, note=f"Restored from version {version.number}")


@dataclass
class FieldDifference:
    label: str
    # (kind, text) pieces: kind is "same", "removed" or "added".
    pieces: list


WORDS = re.compile(r"\s+|[^\s]+")


def differences(older, newer):
    """The fields that differ between two versions, each as a word-by-word comparison."""
    result = []
    for name, label in COMPARED_FIELDS:
        before, after = str(older.content.get(name, "")), str(newer.content.get(name, ""))
        if before == after:
            continue
        old_words, new_words = WORDS.findall(before), WORDS.findall(after)
        pieces = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                pieces.append(("same", "".join(old_words[i1:i2])))
                continue
            if i2 > i1:
                pieces.append(("removed", "".join(old_words[i1:i2])))
            if j2 > j1:
                pieces.append(("added", "".join(new_words[j1:j2])))
        result.append(FieldDifference(label, pieces))
    return result
