"""Versions of an example: a snapshot on every save, the differences between two, and restoring one.

Why not django-reversion or django-simple-history (judged for issue 10): either would replace only the easy
part, the snapshot table (`ExampleVersion` and `record_version`, about twenty lines), and neither does the
three things this module exists for:
- the optimistic lock (`save_with_version`: a save names the version it started from and is refused as
  StaleVersion if someone saved since) — both libraries record whatever was saved, last writer wins;
- the word-by-word differences of the Markdown sections (`differences`) — simple-history's `diff_against` says
  which fields changed, not which words; django-reversion needs django-reversion-compare (a third package,
  GPL-3.0) for a comparison view, built for the admin;
- a pending revision (an edit to a published example waiting for review while the published text stays live:
  ExampleRevision and `save_revision`) — both store what was saved to the row, not a proposal beside it, so
  that would be our own table anyway.
A snapshot also keeps the partnership's and themes' names as they were, for the comparison page; with a library
those would be ids of rows that may since have been renamed. So: hand-written, with ExampleVersion in
learning.models, until a library does the lock and the review of pending changes.
"""

import copy
import difflib
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from learning.models import SECTIONS, ExampleRevision, ExampleVersion, LearningExample, Stage
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


def content_of(values, themes, partnership):
    """A version's content (ExampleVersion.content, ExampleRevision.content) from field values, themes and
    partnership: the example's own (snapshot) or what an editing form proposes (form_content)."""
    themes = sorted(themes, key=lambda theme: theme.name)
    stage = values.get("stage") or ""
    return {
        **{name: values.get(name) or "" for name in TEXT_FIELDS},
        "stage": stage,
        "stage_label": Stage(stage).label if stage else "Not recorded",
        "partnership": partnership.pk if partnership else None,
        "partnership_name": partnership.name if partnership else "None (NCB)",
        "themes": [theme.pk for theme in themes],
        "theme_names": ", ".join(theme.name for theme in themes),
    }


def snapshot(example):
    values = {name: getattr(example, name) for name in [*TEXT_FIELDS, "stage"]}
    return content_of(values, example.themes.all(), example.partnership if example.partnership_id else None)


def form_content(form):
    """What a valid LearningExampleForm proposes, as version content, without saving anything."""
    data = form.cleaned_data
    return content_of(data, data.get("themes") or [], data.get("partnership"))


def with_content(example, content):
    """An unsaved copy of the example showing `content` (a revision's), for the editing form to start from."""
    proposed = copy.copy(example)
    for name in TEXT_FIELDS:
        setattr(proposed, name, content.get(name, ""))
    proposed.stage = content.get("stage", "")
    proposed.partnership_id = content.get("partnership")
    return proposed


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
def apply_content(example, content, user, note):
    """Make `content` (an old version's, or a published revision's) the example's text, as a new version.

    A normal save and themes.set(), so that everything listening to saves (search index, related examples, page
    cache) sees the change. A partnership or theme deleted since the content was written cannot come back; the
    rest does."""
    for name in TEXT_FIELDS:
        setattr(example, name, content.get(name, ""))
    example.stage = content.get("stage", "")
    partnership_id = content.get("partnership")
    example.partnership = Partnership.objects.filter(pk=partnership_id).first() if partnership_id else None
    LearningExample.objects.filter(pk=example.pk).update(version=F("version") + 1)
    example.refresh_from_db(fields=["version"])
    example.save()
    example.themes.set(Theme.objects.filter(pk__in=content.get("themes", [])))
    return record_version(example, user, note=note)


def restore_version(example, version, user):
    """Restore an example that is not published straight away (its text is not public)."""
    return apply_content(example, version.content, user, note=f"Restored from version {version.number}")


def open_revision(example):
    return example.revisions.open().select_related("created_by").first()


@transaction.atomic
def save_revision(example, content, user, expected_version, note=""):
    """Write `content` into the example's open revision, or open one, unless someone changed the revision since
    `expected_version` (0: the editor started from the published text, no revision open). The example itself
    is left alone: its published text stays live. Raises StaleVersion, changing nothing, if it moved on."""
    revision = open_revision(example)
    if revision is None:
        if expected_version != 0:
            raise StaleVersion  # the revision the editor started from has since been published or withdrawn
        try:
            with transaction.atomic():
                revision = ExampleRevision.objects.create(
                    example=example, content=content, based_on=example.version, created_by=user, note=note
                )
        except IntegrityError:
            # Someone else opened a revision at the same moment (examplerevision_one_open_per_example).
            raise StaleVersion from None
    else:
        claimed = ExampleRevision.objects.filter(pk=revision.pk, version=expected_version).update(
            version=F("version") + 1, content=content, note=note or revision.note, updated=timezone.now()
        )
        if not claimed:
            raise StaleVersion
        revision.refresh_from_db()
    example.touch()
    return revision


@dataclass
class FieldDifference:
    label: str
    # (kind, text) pieces: kind is "same", "removed" or "added".
    pieces: list


WORDS = re.compile(r"\s+|[^\s]+")


def differences(older, newer):
    """The fields that differ between two versions, each as a word-by-word comparison."""
    return content_differences(older.content, newer.content)


def content_differences(older, newer):
    """The fields that differ between two contents (version, revision or the example's current snapshot)."""
    result = []
    for name, label in COMPARED_FIELDS:
        before, after = str(older.get(name, "")), str(newer.get(name, ""))
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
