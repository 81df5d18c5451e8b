from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, CharField, OuterRef, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ea_portal.content_version import cached_fragment, cached_value
from ea_portal.hooks import related_examples
from ea_portal.keyset import keyset_page
from learning import workflow
from learning.filters import LearningExampleFilter
from learning.forms import ConfirmAnonymityForm, LearningExampleForm, ReturnForm, UnpublishForm
from learning.history import (
    StaleVersion,
    content_differences,
    differences,
    form_content,
    open_revision,
    restore_version,
    save_revision,
    save_with_version,
    snapshot,
    with_content,
)
from learning.models import (
    LEAD_EDITABLE_REVISION_STATES,
    LEAD_EDITABLE_STATES,
    SECTIONS,
    STAGE_EXPLANATIONS,
    Action,
    CuratedItem,
    ExampleRevision,
    ExampleVersion,
    ItemKind,
    LearningExample,
    RevisionState,
    Stage,
    State,
    Transition,
    themes_with_published_example_counts,
)
from learning.seed import EDUCATION_GROUP
from partnerships.models import Partnership, Theme
from partnerships.programme_data import ENQUIRY_FOCUS
from partnerships.roles import facilitator_required, is_facilitator, is_partnership_lead, led_partnership_ids

EXAMPLES_PER_PAGE = 20
# /learning/'s pages up to this one are numbered (read with OFFSET, cheap this near the top); further pages
# follow a cursor (ea_portal.keyset).
NUMBERED_EXAMPLE_PAGES = 10
# What a list row does not show: the sections' Markdown and HTML, and the summary's Markdown (it shows the HTML).
LISTING_DEFERRED_FIELDS = ["summary", *[name for name, _ in SECTIONS], *[f"{name}_html" for name, _ in SECTIONS]]
# What a table row that shows no summary at all (contribute, review queue) does not need either.
ROW_DEFERRED_FIELDS = [*LISTING_DEFERRED_FIELDS, "summary_html"]
RELATED_EXAMPLES = 5
STALE_MESSAGE = (
    "Someone else saved this example after you opened it, so your changes have not been saved. Your text is "
    "still in the form below: copy what you need, then open the latest version and add your changes to it."
)
STALE_REVISION_MESSAGE = (
    "Someone else changed the proposed revision of this example after you opened it (or it has been published "
    "or withdrawn), so your changes have not been saved. Your text is still in the form below: copy what you "
    "need, then open the latest version and add your changes to it."
)


def posted(request):
    """The POST data, or None on GET; an empty POST still binds the form, so it shows what is missing."""
    return request.POST if request.method == "POST" else None


# Access helpers -------------------------------------------------------------------------------------------


def get_visible_example(request, slug):
    """The example if this user may see it; 404 otherwise, so unpublished examples are not even hinted at."""
    examples = LearningExample.objects.visible_to(request.user).select_related("partnership")
    return get_object_or_404(examples, slug=slug)


def get_example_for_editing(request, slug):
    """The example if the user may edit it now: facilitators always, its partnership's leads while it is a
    draft, returned or unpublished. 404 if they may not see it, 403 if they may see but not edit it."""
    example = get_visible_example(request, slug)
    if not LearningExample.objects.editable_by(request.user).filter(pk=example.pk).exists():
        raise PermissionDenied
    return example


def lead_may_edit_now(request, example):
    return is_facilitator(request.user) or example.state in LEAD_EDITABLE_STATES


def get_example_for_facilitator(request, slug):
    """The example for the facilitators' review and history pages. Not facilitator_required: the visibility
    check comes first, so another partnership's lead gets the 404 that hides a draft, not a 403 that admits it
    exists."""
    example = get_visible_example(request, slug)
    if not is_facilitator(request.user):
        raise PermissionDenied
    return example


def may_change(request, example):
    """Facilitators, and the leads of the example's partnership, may change it (or propose a revision of it)."""
    if not request.user.is_authenticated:
        return False  # no query for the visitors who read most pages
    return LearningExample.objects.editable_by(request.user).filter(pk=example.pk).exists()


def get_revision(request, slug):
    """The example's open revision, for those who may change the example. 404 for anyone else, even when the
    example itself is published: the public never sees a revision, nor another partnership's lead that one
    exists."""
    example = get_visible_example(request, slug)
    revision = open_revision(example) if may_change(request, example) else None
    if revision is None:
        raise Http404
    revision.example = example
    return revision


def lead_may_edit_revision(request, revision):
    return is_facilitator(request.user) or revision.state in LEAD_EDITABLE_REVISION_STATES


def require_contributor(user):
    if not (is_facilitator(user) or is_partnership_lead(user)):
        raise PermissionDenied


# Public pages ---------------------------------------------------------------------------------------------


def enquiry_framework(request):
    lines = list(themes_with_published_example_counts(Theme.objects.enquiry_lines()))
    for line in lines:
        line.is_focus = line.slug in ENQUIRY_FOCUS
    education = list(CuratedItem.objects.filter(group=EDUCATION_GROUP).select_related("theme").order_by("order", "pk"))
    context = {
        "lines": lines,
        "focus_lines": [line for line in lines if line.is_focus],
        "education_theme": education[0].theme if education else None,
        "education_questions": [item for item in education if item.kind == ItemKind.QUESTION],
        "education_approaches": [item for item in education if item.kind == ItemKind.APPROACH],
    }
    return render(request, "learning/enquiry_framework.html", context)


def example_list(request):
    # A row shows the title, summary, stage, source and themes: the long sections stay in the database.
    examples = LearningExample.objects.published().for_listing().defer(*LISTING_DEFERRED_FIELDS)
    filterset = LearningExampleFilter(request.GET or None, queryset=examples)
    entries = filterset.matching_entries()
    if entries is None:
        # Ordered as newest_first(), served by LearningExample's example_published_order_idx; pages beyond the
        # numbered ones follow a cursor, so that the last page costs what the first does.
        page_obj = keyset_page(
            request,
            filterset.qs,
            keys=("published_at", "pk"),
            per_page=EXAMPLES_PER_PAGE,
            numbered_pages=NUMBERED_EXAMPLE_PAGES,
        )
    else:
        # Filtered by words: the same order and cursors, counted and paged on the search index's entries (each
        # carries its example's published_at), then only the page's examples are read, in that order.
        page_obj = keyset_page(
            request,
            entries,
            keys=("published_at", "object_id"),
            per_page=EXAMPLES_PER_PAGE,
            numbered_pages=NUMBERED_EXAMPLE_PAGES,
        )
        ids = [entry.object_id for entry in page_obj.object_list]
        found = examples.order_by().in_bulk(ids)
        page_obj.object_list = [found[pk] for pk in ids if pk in found]
    filtered = any(request.GET.get(name) for name in filterset.form.fields)
    context = {"filterset": filterset, "page_obj": page_obj, "filtered": filtered}
    return render(request, "learning/example_list.html", context)


def stage_guide(request):
    stages = [(stage, STAGE_EXPLANATIONS[stage]) for stage in Stage]
    return render(request, "learning/stage_guide.html", {"stages": stages})


def example_detail(request, slug):
    example = get_visible_example(request, slug)
    themes = list(example.themes.all())
    # Ranked by shared themes, then (on PostgreSQL) similar wording, then recency: see
    # ea_portal.search.related, which provides the hook.
    related = related_examples(example, [theme.pk for theme in themes], limit=RELATED_EXAMPLES)
    changer = may_change(request, example)
    may_edit = changer and not example.is_published and lead_may_edit_now(request, example)
    context = {
        "example": example,
        "themes": themes,
        "related": related,
        "may_edit": may_edit,
        "may_submit": may_edit and workflow.can(Action.SUBMIT, example),
        # A published example is changed through a revision that waits beside it (learning.history).
        "may_propose": changer and example.is_published,
        "revision": open_revision(example) if changer else None,
        "feedback": workflow.latest_feedback(example) if may_edit else None,
    }
    return render(request, "learning/example_detail.html", context)


# Leads' (and facilitators') own examples ------------------------------------------------------------------


def editable_examples_for_listing(user, state):
    """The examples this user may edit, in the state asked for (or all), each with NCB's latest feedback and its
    open revision's state, most recently active first."""
    latest_feedback = Transition.objects.filter(
        example=OuterRef("pk"), action__in=[Action.RETURN, Action.UNPUBLISH, Action.REVISION_RETURN]
    ).exclude(feedback="")
    # The state of the example's open revision, as its label, in the same query as the list.
    revision_state = (
        ExampleRevision.objects.open()
        .filter(example=OuterRef("pk"))
        .annotate(
            label=Case(
                *[When(state=value, then=Value(label)) for value, label in RevisionState.choices],
                output_field=CharField(),
            )
        )
    )
    examples = (
        LearningExample.objects.editable_by(user)
        .select_related("partnership")
        .defer(*ROW_DEFERRED_FIELDS)
        .annotate(
            latest_feedback=Subquery(latest_feedback.values("feedback")[:1]),
            revision_state=Subquery(revision_state.values("state")[:1]),
            revision_label=Subquery(revision_state.values("label")[:1]),
        )
        # Most recent activity first, a return or a change to a revision included (example_last_activity_idx).
        .order_by("-last_activity", "-pk")
    )
    return examples.filter(state=state) if state else examples


@login_required
def my_examples(request):
    require_contributor(request.user)
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""

    def render_table():
        page_obj = Paginator(editable_examples_for_listing(request.user, state), EXAMPLES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context = {"page_obj": page_obj, "current_state": state}
        return render_to_string("learning/includes/my_examples_table.html", context, request=request)

    # The table shows only what may be edited, which depends on the role and the led partnerships alone: everyone
    # with the same ones shares it, under the content version (every change to an example, a review step or a
    # revision bumps it).
    editors = (
        "facilitator" if is_facilitator(request.user) else ",".join(map(str, sorted(led_partnership_ids(request.user))))
    )
    table = cached_fragment("my-examples", f"{editors}|{state}|{request.GET.get('page', '')}", render_table)
    context = {
        "table": mark_safe(table),  # noqa: S308 (HTML the portal's own template rendered)
        "states": State.choices,
        "current_state": state,
        # Their names, for the introduction: shared like the table (renaming a partnership bumps the version).
        "led_partnerships": cached_value(
            f"led-partnership-names:{editors}",
            lambda: list(
                Partnership.objects.filter(pk__in=led_partnership_ids(request.user))
                .order_by("name")
                .values_list("name", flat=True)
            ),
        ),
    }
    return render(request, "learning/my_examples.html", context)


@login_required
def example_create(request):
    require_contributor(request.user)
    # A partnership's page links here with ?partnership=<slug>; the form's own choices still limit who picks what.
    preselected = Partnership.objects.filter(slug=request.GET.get("partnership", "")).values_list("pk", flat=True)
    form = LearningExampleForm(posted(request), user=request.user, initial={"partnership": preselected.first()})
    if request.method == "POST" and form.is_valid():
        example = save_with_version(form, request.user, expected_version=None, note="Created")
        messages.success(request, f"“{example.title}” has been saved as a draft.")
        return redirect(example)
    return render(request, "learning/example_form.html", {"form": form})


def render_form(request, example, form, status=200, **extra):
    return render(request, "learning/example_form.html", {"form": form, "example": example, **extra}, status=status)


def refuse_locked_edit(request, example, message, form, **extra):
    """The example (or its revision) is with NCB: say so. A form posted from a tab opened before that keeps
    what was written on the page so that it can be copied, and nothing is saved."""
    if request.method != "POST":
        messages.warning(request, message)
        return redirect(extra.get("revision") or example)
    form.is_valid()
    form.add_error(None, message + " Your text below has not been saved: copy anything you need.")
    return render_form(request, example, form, status=409, **extra)


@login_required
def example_edit(request, slug):
    example = get_example_for_editing(request, slug)
    if example.is_published:
        return revision_edit(request, example)
    form = LearningExampleForm(posted(request), instance=example, user=request.user)
    feedback = workflow.latest_feedback(example) if example.state in {State.RETURNED, State.UNPUBLISHED} else None
    if not lead_may_edit_now(request, example):
        message = (
            f"“{example.title}” is {example.get_state_display().lower()}, so it cannot be edited now. "
            "NCB will return it to you if it needs changes."
        )
        return refuse_locked_edit(request, example, message, form)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save_with_version(form, request.user, expected_version=form.cleaned_data["version"])
        except StaleVersion:
            form.add_error(None, STALE_MESSAGE)
            status = 409
        else:
            messages.success(request, f"Your changes to “{example.title}” have been saved.")
            return redirect(example)
    return render_form(request, example, form, status=status, feedback=feedback)


def revision_edit(request, example):
    """Editing a published example changes its open revision (opening one if needed), never the live text."""
    revision = open_revision(example)
    content = revision.content if revision else snapshot(example)
    form = LearningExampleForm(
        posted(request),
        instance=with_content(example, content),
        # The revision's own version for its lock; 0 when the editor starts from the published text.
        initial={"themes": content["themes"], "version": revision.version if revision else 0},
        user=request.user,
    )
    extra = {
        "revision": revision,
        "proposing": True,
        "feedback": workflow.latest_feedback(example, revision=True)
        if revision and revision.state == RevisionState.RETURNED
        else None,
    }
    if revision and not lead_may_edit_revision(request, revision):
        message = (
            f"The proposed revision of “{example.title}” is with NCB for review, so it cannot be edited now. "
            "NCB will return it to you if it needs changes."
        )
        return refuse_locked_edit(request, example, message, form, **extra)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            revision = save_revision(
                example, form_content(form), request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleVersion:
            form.add_error(None, STALE_REVISION_MESSAGE)
            status = 409
        else:
            messages.success(
                request,
                f"Your changes are saved in the proposed revision of “{example.title}”. The published text has not "
                "changed: it stays as it is until NCB publishes the revision.",
            )
            return redirect(revision)
    return render_form(request, example, form, status=status, **extra)


def render_submit(request, example, form, missing, revision=None):
    # Posted while something is missing: refused, and the title says so (the confirmation form itself is fine).
    refused = request.method == "POST" and bool(missing)
    context = {"example": example, "form": form, "missing": missing, "revision": revision, "refused": refused}
    return render(request, "learning/example_submit.html", context, status=400 if refused else 200)


@login_required
def example_submit(request, slug):
    example = get_example_for_editing(request, slug)
    if not workflow.can(Action.SUBMIT, example):
        messages.warning(request, f"“{example.title}” is {example.get_state_display().lower()} already.")
        return redirect(example)
    form = ConfirmAnonymityForm(posted(request))
    # A draft may be incomplete; submitting may not. The page lists what is missing, each linked to its field.
    missing = workflow.missing_for(snapshot(example), request.user)
    if request.method == "POST" and not missing and form.is_valid():
        workflow.submit(request, example)
        messages.success(request, f"“{example.title}” has been submitted. NCB's facilitators have been told.")
        return redirect(example)
    return render_submit(request, example, form, missing)


# Revisions of published examples --------------------------------------------------------------------------


def render_revision(request, revision, status=200, refused=False, **forms):
    example = revision.example
    facilitator = is_facilitator(request.user)
    context = {
        "example": example,
        "revision": revision,
        "differences": content_differences(snapshot(example), revision.content),
        # The published text changed after the revision was started (in the admin, say): the differences below
        # are against the text as it is now, so publishing would also undo that change where they overlap.
        "moved_on": revision.based_on != example.version,
        # Once unpublished, the example itself is edited again; its old revision can only be withdrawn.
        "may_edit": lead_may_edit_revision(request, revision) and example.is_published,
        "may_withdraw": lead_may_edit_revision(request, revision),
        "may_submit": workflow.can_revise(Action.REVISION_SUBMIT, revision) and example.is_published,
        "may_publish": facilitator and workflow.can_revise(Action.REVISION_PUBLISH, revision) and example.is_published,
        "may_return": facilitator and workflow.can_revise(Action.REVISION_RETURN, revision) and example.is_published,
        "missing": workflow.missing_for(revision.content, request.user, publishing=True) if facilitator else [],
        # Publishing was refused for what is missing (listed, each linked to its field): the title says so.
        "refused": refused,
        "publish_form": forms.get("publish_form") or ConfirmAnonymityForm(prefix="publish", button="Publish"),
        "return_form": forms.get("return_form") or ReturnForm(prefix="return"),
    }
    return render(request, "learning/revision_detail.html", context, status=status)


@login_required
def revision_detail(request, slug):
    return render_revision(request, get_revision(request, slug))


def refuse_revision_step(request, revision, action):
    messages.error(
        request,
        f"The revision of “{revision.example.title}” is {revision.get_state_display().lower()}: it cannot be {action}.",
    )
    # The example's page, which links to the revision while one is open (another tab may have closed it).
    return redirect(revision.example)


@login_required
def revision_submit(request, slug):
    revision = get_revision(request, slug)
    example = revision.example
    if not (workflow.can_revise(Action.REVISION_SUBMIT, revision) and example.is_published):
        return refuse_revision_step(request, revision, "submitted")
    form = ConfirmAnonymityForm(posted(request))
    missing = workflow.missing_for(revision.content, request.user)
    if request.method == "POST" and not missing and form.is_valid():
        try:
            workflow.submit_revision(request, revision)
        except workflow.TransitionNotAllowed:
            return refuse_revision_step(request, revision, "submitted")
        messages.success(
            request, f"The revision of “{example.title}” has been submitted. NCB's facilitators have been told."
        )
        return redirect(revision)
    return render_submit(request, example, form, missing, revision=revision)


def get_revision_for_facilitator(request, slug):
    revision = get_revision(request, slug)
    if not is_facilitator(request.user):
        raise PermissionDenied
    return revision


@login_required
@require_POST
def revision_publish(request, slug):
    revision = get_revision_for_facilitator(request, slug)
    example = revision.example
    form = ConfirmAnonymityForm(request.POST, prefix="publish", button="Publish")
    if workflow.missing_for(revision.content, request.user, publishing=True):
        return render_revision(request, revision, status=400, refused=True)
    if not form.is_valid():
        return render_revision(request, revision, status=400, publish_form=form)
    try:
        workflow.publish_revision(request, revision)
    except workflow.TransitionNotAllowed:
        return refuse_revision_step(request, revision, "published")
    messages.success(
        request, f"The revision of “{example.title}” is published. The partnership's leads have been told."
    )
    return redirect(example)


@login_required
@require_POST
def revision_return(request, slug):
    revision = get_revision_for_facilitator(request, slug)
    form = ReturnForm(request.POST, prefix="return")
    if not form.is_valid():
        return render_revision(request, revision, status=400, return_form=form)
    try:
        workflow.return_revision(request, revision, form.cleaned_data["feedback"])
    except workflow.TransitionNotAllowed:
        return refuse_revision_step(request, revision, "returned")
    messages.success(request, f"The revision of “{revision.example.title}” has been returned with your feedback.")
    return redirect("learning:review_queue")


@login_required
@require_POST
def revision_withdraw(request, slug):
    revision = get_revision(request, slug)
    if not lead_may_edit_revision(request, revision):
        return refuse_revision_step(request, revision, "withdrawn")
    workflow.withdraw_revision(request, revision)
    messages.success(
        request,
        f"The proposed revision of “{revision.example.title}” has been withdrawn. The published text is unchanged.",
    )
    return redirect(revision.example)


# Facilitators' review -------------------------------------------------------------------------------------


@facilitator_required
def review_queue(request):
    examples = (
        LearningExample.objects.filter(state=State.SUBMITTED)
        .for_listing()
        .defer(*ROW_DEFERRED_FIELDS)
        .order_by("submitted_at", "pk")
    )
    # Proposed revisions of published examples wait in a list of their own, also oldest first.
    revisions = (
        ExampleRevision.objects.filter(state=RevisionState.SUBMITTED)
        .select_related("example__partnership", "created_by")
        .order_by("submitted_at", "pk")
    )

    def render_lists():
        context = {
            "page_obj": Paginator(examples, EXAMPLES_PER_PAGE).get_page(request.GET.get("page")),
            "revision_page": Paginator(revisions, EXAMPLES_PER_PAGE).get_page(request.GET.get("revisions_page")),
        }
        return render_to_string("learning/includes/review_queue_lists.html", context, request=request)

    # The same for every facilitator: kept under the content version, which every submission, review step and
    # revision bumps, so a newly submitted example shows at once.
    pages = f"{request.GET.get('page', '')}|{request.GET.get('revisions_page', '')}"
    lists = cached_fragment("review-queue", pages, render_lists)
    return render(request, "learning/review_queue.html", {"lists": mark_safe(lists)})  # noqa: S308 (our template)


def render_review(request, example, status=200, refused=False, **forms):
    context = {
        "example": example,
        "themes": example.themes.all(),
        "transitions": example.transitions.select_related("by")[:20],
        "revision": open_revision(example) if example.is_published else None,
        "may_publish": workflow.can(Action.PUBLISH, example),
        # Publishing needs a summary and a theme, which a draft may lack: the page lists what is missing.
        "missing": workflow.missing_for(snapshot(example), request.user, publishing=True),
        "may_return": workflow.can(Action.RETURN, example),
        "may_unpublish": workflow.can(Action.UNPUBLISH, example),
        # Publishing was refused for what is missing (listed, each linked to its field): the title says so.
        "refused": refused,
        "publish_form": forms.get("publish_form") or ConfirmAnonymityForm(prefix="publish", button="Publish"),
        "return_form": forms.get("return_form") or ReturnForm(prefix="return"),
        "unpublish_form": forms.get("unpublish_form") or UnpublishForm(prefix="unpublish"),
    }
    return render(request, "learning/example_review.html", context, status=status)


@login_required
def example_review(request, slug):
    return render_review(request, get_example_for_facilitator(request, slug))


def refuse_transition(request, example, action):
    messages.error(request, f"“{example.title}” is {example.get_state_display().lower()}: it cannot be {action}.")
    return redirect("learning:example_review", slug=example.slug)


@login_required
@require_POST
def example_publish(request, slug):
    example = get_example_for_facilitator(request, slug)
    if not workflow.can(Action.PUBLISH, example):
        return refuse_transition(request, example, "published")
    form = ConfirmAnonymityForm(request.POST, prefix="publish", button="Publish")
    if workflow.missing_for(snapshot(example), request.user, publishing=True):
        return render_review(request, example, status=400, refused=True)
    if not form.is_valid():
        return render_review(request, example, status=400, publish_form=form)
    workflow.publish(request, example)
    messages.success(request, f"“{example.title}” is published. The partnership's leads have been told.")
    return redirect(example)


@login_required
@require_POST
def example_return(request, slug):
    example = get_example_for_facilitator(request, slug)
    if not workflow.can(Action.RETURN, example):
        return refuse_transition(request, example, "returned")
    form = ReturnForm(request.POST, prefix="return")
    if not form.is_valid():
        return render_review(request, example, status=400, return_form=form)
    workflow.return_with_feedback(request, example, form.cleaned_data["feedback"])
    messages.success(request, f"“{example.title}” has been returned with your feedback.")
    return redirect("learning:review_queue")


@login_required
@require_POST
def example_unpublish(request, slug):
    example = get_example_for_facilitator(request, slug)
    if not workflow.can(Action.UNPUBLISH, example):
        return refuse_transition(request, example, "unpublished")
    form = UnpublishForm(request.POST, prefix="unpublish")
    form.is_valid()
    workflow.unpublish(request, example, form.cleaned_data.get("reason", ""))
    messages.success(request, f"“{example.title}” is no longer published.")
    return redirect(example)


# History --------------------------------------------------------------------------------------------------


@login_required
def example_history(request, slug):
    example = get_example_for_facilitator(request, slug)
    versions = example.versions.select_related("saved_by")
    page_obj = Paginator(versions, 50).get_page(request.GET.get("page"))
    transitions = example.transitions.select_related("by")
    return render(
        request,
        "learning/example_history.html",
        {"example": example, "page_obj": page_obj, "transitions": transitions},
    )


def version_number(request, name, default):
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def example_compare(request, slug):
    example = get_example_for_facilitator(request, slug)
    older_number = version_number(request, "from", max(example.version - 1, 1))
    newer_number = version_number(request, "to", example.version)
    older, newer = sorted(
        [
            get_object_or_404(ExampleVersion.objects.select_related("saved_by"), example=example, number=number)
            for number in (older_number, newer_number)
        ],
        key=lambda version: version.number,
    )
    context = {"example": example, "older": older, "newer": newer, "differences": differences(older, newer)}
    return render(request, "learning/example_compare.html", context)


@login_required
def example_restore(request, slug, number):
    """Restoring asks first, showing what the restored text changes. A published example's text is not changed:
    the old version becomes its proposed revision, reviewed and published like any other."""
    example = get_example_for_facilitator(request, slug)
    version = get_object_or_404(ExampleVersion, example=example, number=number)
    revision = open_revision(example) if example.is_published else None
    status = 200
    if request.method == "POST":
        if not example.is_published:
            restored = restore_version(example, version, request.user)
            messages.success(
                request, f"Version {number} has been restored as version {restored.number}. Nothing was deleted."
            )
            return redirect("learning:example_history", slug=example.slug)
        if revision is None:
            try:
                revision = save_revision(
                    example, version.content, request.user, expected_version=0, note=f"Restored from version {number}"
                )
            except StaleVersion:
                revision = open_revision(example)
            else:
                messages.success(
                    request,
                    f"Version {number} is now the proposed revision of “{example.title}”. The published text has "
                    "not changed: review the differences and publish the revision if it is right.",
                )
                return redirect(revision)
        status = 409
    context = {
        "example": example,
        "version": version,
        "revision": revision,
        "differences": content_differences(snapshot(example), version.content),
    }
    return render(request, "learning/example_restore.html", context, status=status)
