from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ea_portal.hooks import related_examples
from ea_portal.keyset import keyset_page
from learning import workflow
from learning.filters import LearningExampleFilter
from learning.forms import ConfirmAnonymityForm, CuratedItemForm, LearningExampleForm, ReturnForm, UnpublishForm
from learning.history import StaleVersion, differences, restore_version, save_with_version
from learning.models import (
    LEAD_EDITABLE_STATES,
    SECTIONS,
    STAGE_EXPLANATIONS,
    Action,
    CuratedItem,
    ExampleVersion,
    ItemKind,
    LearningExample,
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
RELATED_EXAMPLES = 5
STALE_MESSAGE = (
    "Someone else saved this example after you opened it, so your changes have not been saved. Your text is "
    "still in the form below: copy what you need, then open the latest version and add your changes to it."
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
    # Ordered as newest_first(), served by LearningExample's example_published_order_idx; pages beyond the
    # numbered ones follow a cursor, so that the last page costs what the first does.
    page_obj = keyset_page(
        request,
        filterset.qs,
        keys=("published_at", "pk"),
        per_page=EXAMPLES_PER_PAGE,
        numbered_pages=NUMBERED_EXAMPLE_PAGES,
    )
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
    facilitator = is_facilitator(request.user)
    may_edit = not example.is_published and (
        facilitator or LearningExample.objects.editable_by(request.user).filter(pk=example.pk).exists()
    )
    context = {
        "example": example,
        "themes": themes,
        "related": related,
        "may_edit": may_edit and lead_may_edit_now(request, example),
        "may_submit": may_edit and workflow.can(Action.SUBMIT, example),
        "feedback": workflow.latest_feedback(example) if may_edit else None,
    }
    return render(request, "learning/example_detail.html", context)


# Leads' (and facilitators') own examples ------------------------------------------------------------------


@login_required
def my_examples(request):
    require_contributor(request.user)
    latest_feedback = Transition.objects.filter(
        example=OuterRef("pk"), action__in=[Action.RETURN, Action.UNPUBLISH]
    ).exclude(feedback="")
    examples = (
        LearningExample.objects.editable_by(request.user)
        .select_related("partnership")
        .annotate(latest_feedback=Subquery(latest_feedback.values("feedback")[:1]))
        .order_by("-updated")
    )
    state = request.GET.get("state", "")
    if state in State.values:
        examples = examples.filter(state=state)
    page_obj = Paginator(examples, EXAMPLES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "states": State.choices,
        "current_state": state,
        "led_partnerships": Partnership.objects.filter(pk__in=led_partnership_ids(request.user)).order_by("name"),
    }
    return render(request, "learning/my_examples.html", context)


@login_required
def example_create(request):
    require_contributor(request.user)
    form = LearningExampleForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        example = save_with_version(form, request.user, expected_version=None, note="Created")
        messages.success(request, f"“{example.title}” has been saved as a draft.")
        return redirect(example)
    return render(request, "learning/example_form.html", {"form": form})


@login_required
def example_edit(request, slug):
    example = get_example_for_editing(request, slug)
    locked_message = (
        f"“{example.title}” is {example.get_state_display().lower()}, so it cannot be edited now. "
        "NCB will return it to you if it needs changes."
    )
    if not lead_may_edit_now(request, example):
        if request.method != "POST":
            messages.warning(request, locked_message)
            return redirect(example)
        # Submitted (or published) from another tab while this form was open: keep what they wrote on the
        # page so that it can be copied, and save nothing.
        form = LearningExampleForm(request.POST, instance=example, user=request.user)
        form.is_valid()
        form.add_error(None, locked_message + " Your text below has not been saved: copy anything you need.")
        return render(request, "learning/example_form.html", {"form": form, "example": example}, status=409)
    form = LearningExampleForm(posted(request), instance=example, user=request.user)
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
    return render(request, "learning/example_form.html", {"form": form, "example": example}, status=status)


@login_required
def example_submit(request, slug):
    example = get_example_for_editing(request, slug)
    if not workflow.can(Action.SUBMIT, example):
        messages.warning(request, f"“{example.title}” is {example.get_state_display().lower()} already.")
        return redirect(example)
    form = ConfirmAnonymityForm(posted(request))
    if request.method == "POST" and form.is_valid():
        workflow.submit(request, example)
        messages.success(request, f"“{example.title}” has been submitted. NCB's facilitators have been told.")
        return redirect(example)
    return render(request, "learning/example_submit.html", {"example": example, "form": form})


# Facilitators' review -------------------------------------------------------------------------------------


@facilitator_required
def review_queue(request):
    examples = LearningExample.objects.filter(state=State.SUBMITTED).for_listing().order_by("submitted_at", "pk")
    page_obj = Paginator(examples, EXAMPLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "learning/review_queue.html", {"page_obj": page_obj})


def render_review(request, example, status=200, **forms):
    context = {
        "example": example,
        "themes": example.themes.all(),
        "transitions": example.transitions.select_related("by")[:20],
        "may_publish": workflow.can(Action.PUBLISH, example),
        "may_return": workflow.can(Action.RETURN, example),
        "may_unpublish": workflow.can(Action.UNPUBLISH, example),
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
@require_POST
def example_restore(request, slug, number):
    example = get_example_for_facilitator(request, slug)
    version = get_object_or_404(ExampleVersion, example=example, number=number)
    restored = restore_version(example, version, request.user)
    messages.success(request, f"Version {number} has been restored as version {restored.number}. Nothing was deleted.")
    return redirect("learning:example_history", slug=example.slug)


# Curation of questions and approaches ---------------------------------------------------------------------


@facilitator_required
def curation_list(request):
    themes = Theme.objects.prefetch_related(
        Prefetch("curated_items", queryset=CuratedItem.objects.order_by("kind", "order", "pk"))
    )
    return render(request, "learning/curation_list.html", {"themes": themes})


@facilitator_required
def curation_create(request):
    initial = {"theme": Theme.objects.filter(slug=request.GET.get("theme")).first(), "kind": request.GET.get("kind")}
    form = CuratedItemForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        item = form.save()
        messages.success(request, f"The {item.get_kind_display().lower()} has been added to {item.theme}.")
        return redirect(f"{reverse('learning:curation_list')}#theme-{item.theme.slug}")
    return render(request, "learning/curation_form.html", {"form": form})


@facilitator_required
def curation_edit(request, pk):
    item = get_object_or_404(CuratedItem.objects.select_related("theme"), pk=pk)
    form = CuratedItemForm(posted(request), instance=item)
    if request.method == "POST" and form.is_valid():
        item = form.save()
        messages.success(request, f"The {item.get_kind_display().lower()} has been saved.")
        return redirect(f"{reverse('learning:curation_list')}#theme-{item.theme.slug}")
    return render(request, "learning/curation_form.html", {"form": form, "item": item})


@facilitator_required
def curation_delete(request, pk):
    item = get_object_or_404(CuratedItem.objects.select_related("theme"), pk=pk)
    if request.method == "POST":
        item.delete()
        messages.success(request, f"The {item.get_kind_display().lower()} has been removed from {item.theme}.")
        return redirect(f"{reverse('learning:curation_list')}#theme-{item.theme.slug}")
    return render(request, "learning/curation_confirm_delete.html", {"item": item})
