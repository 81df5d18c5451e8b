"""The facilitators' curation of the questions to consider and approaches being taken on each theme's page: add,
edit, remove, and put in order with move up / move down buttons (plain forms, no script)."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from ea_portal.markdown import html_text
from learning.forms import CuratedItemForm
from learning.models import CuratedItem
from partnerships.models import Theme
from partnerships.roles import facilitator_required


def posted(request):
    return request.POST if request.method == "POST" else None


def theme_anchor_url(item):
    return f"{reverse('learning:curation_list')}#theme-{item.theme.slug}"


def item_anchor_url(item):
    return f"{reverse('learning:curation_list')}#item-{item.pk}"


def siblings(item):
    """The items listed with this one (same theme and kind), in their order."""
    return CuratedItem.objects.filter(theme_id=item.theme_id, kind=item.kind).order_by("order", "pk")


def place_last(item):
    """Give the item the position after the last of its theme and kind: new and moved items go to the end."""
    others = siblings(item).exclude(pk=item.pk)
    item.order = (others.aggregate(last=Max("order"))["last"] or 0) + 1


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
        with transaction.atomic():
            item = form.save(commit=False)
            place_last(item)
            item.save()
        messages.success(request, f"The {item.get_kind_display().lower()} has been added to {item.theme}, last.")
        return redirect(item_anchor_url(item))
    return render(request, "learning/curation_form.html", {"form": form})


@facilitator_required
def curation_edit(request, pk):
    item = get_object_or_404(CuratedItem.objects.select_related("theme"), pk=pk)
    form = CuratedItemForm(posted(request), instance=item)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            if {"theme", "kind"} & set(form.changed_data):
                place_last(item)
            item.save()
        messages.success(request, f"The {item.get_kind_display().lower()} has been saved.")
        return redirect(item_anchor_url(item))
    return render(request, "learning/curation_form.html", {"form": form, "item": item})


@facilitator_required
def curation_delete(request, pk):
    item = get_object_or_404(CuratedItem.objects.select_related("theme"), pk=pk)
    if request.method == "POST":
        item.delete()
        messages.success(request, f"The {item.get_kind_display().lower()} has been removed from {item.theme}.")
        return redirect(theme_anchor_url(item))
    return render(request, "learning/curation_confirm_delete.html", {"item": item})


@require_POST
@facilitator_required
def curation_move(request, pk):
    """Swap an item with its neighbour above or below among the same theme's questions (or approaches), then
    number the list 1, 2, 3... (positions typed by hand before may repeat or leave gaps)."""
    direction = "up" if request.POST.get("direction") == "up" else "down"
    with transaction.atomic():
        item = get_object_or_404(CuratedItem.objects.select_for_update().select_related("theme"), pk=pk)
        items = list(siblings(item).select_for_update())
        index = items.index(item)
        target = index - 1 if direction == "up" else index + 1
        name = f"the {item.get_kind_display().lower()} “{Truncator(html_text(item.text_html)).chars(60)}”"
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            for position, sibling in enumerate(items, 1):
                sibling.order = position
            CuratedItem.objects.bulk_update(items, ["order"])
            messages.success(request, f"Moved {name} {direction}.")
        else:
            messages.info(request, f"Nothing moved: {name} is already {'first' if direction == 'up' else 'last'}.")
    return redirect(item_anchor_url(item))
