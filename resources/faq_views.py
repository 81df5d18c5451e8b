"""FAQs: the public pages, visitors' questions, and the facilitators' queue and ordering."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from ea_portal import content_version
from ea_portal.links import absolute_url
from ea_portal.mail import queue_email
from partnerships.models import Theme
from partnerships.roles import FACILITATORS_GROUP, facilitator_required
from resources.forms import AskQuestionForm, FAQForm
from resources.models import FAQ, FAQStatus


def ask_question_rate(group, request):
    return settings.FAQ_QUESTION_RATE


# The deck groups FAQs by theme: /faqs/ lists the themes, each theme's answers have pages of their own.
FAQS_PER_PAGE = 25
MANAGED_FAQS_PER_PAGE = 50


def faq_list(request):
    """The themes with published answers, and how many each has: one query, however many FAQs there are."""
    themes = (
        Theme.objects.annotate(faq_count=Count("faqs", filter=Q(faqs__status=FAQStatus.PUBLISHED)))
        .filter(faq_count__gt=0)
        .order_by("order", "name")
    )
    return render(request, "resources/faq_list.html", {"themes": themes})


def faq_theme(request, slug):
    """One theme's published answers in the facilitators' order, a page at a time."""
    theme = get_object_or_404(Theme, slug=slug)
    faqs = FAQ.objects.published().filter(theme=theme).order_by("order", "pk")
    page_obj = Paginator(faqs, FAQS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "resources/faq_theme.html", {"theme": theme, "page_obj": page_obj})


def faq_detail(request, pk):
    """An FAQ's permanent address (its get_absolute_url): the page of its theme's answers that shows it, at its
    anchor. Old links to /faqs/#faq-N come here too (static/js/faq-anchor.js)."""
    faq = get_object_or_404(FAQ.objects.published().select_related("theme"), pk=pk)
    path = reverse("resources:faq_theme", args=[faq.theme.slug])
    return redirect(faq_page_url(path, faq, FAQ.objects.published(), FAQS_PER_PAGE))


def faq_page_url(path, faq, faqs, per_page, **params):
    """The address of the page at `path` listing `faqs` of this FAQ's theme in (order, pk) order, a page at a
    time, that shows this FAQ, at its anchor."""
    before = faqs.filter(theme=faq.theme_id).filter(Q(order__lt=faq.order) | Q(order=faq.order, pk__lt=faq.pk))
    page = before.count() // per_page + 1
    if page > 1:
        params["page"] = page
    return f"{path}{'?' + urlencode(params) if params else ''}#{faq.anchor}"


@ratelimit(key="ip", rate=ask_question_rate, method="POST", block=False)
def ask_question(request):
    if request.method == "POST":
        if request.limited:
            return render(request, "resources/rate_limited.html", {"what": "questions"}, status=429)
        form = AskQuestionForm(request.POST)
        if form.is_valid():
            # The question and the emails about it are stored together: no email for a question not saved.
            with transaction.atomic():
                faq = form.save()
                tell_facilitators(faq)
            messages.success(
                request,
                "Thank you: your question has been sent to NCB's facilitators. "
                "If it is answered it will be published on this page.",
            )
            return redirect("resources:faq_list")
    else:
        form = AskQuestionForm()
    return render(request, "resources/faq_ask.html", {"form": form})


def tell_facilitators(faq):
    """Queue an email to each active facilitator about a visitor's new question (one message each: their
    addresses are not shown to one another). Sent by the worker once the question is stored."""
    facilitators = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=FACILITATORS_GROUP)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )
    context = {
        "question": faq.question,
        "waiting": FAQ.objects.queue().count(),
        "queue_url": absolute_url(reverse("resources:faq_queue")),
    }
    for facilitator in facilitators:
        body = render_to_string("resources/email/question_asked.txt", {**context, "name": facilitator.first_name})
        queue_email("A new question is waiting for an answer", body, [facilitator.email])


QUESTIONS_PER_PAGE = 50


@facilitator_required
def faq_queue(request):
    """Visitors' questions waiting for an answer, oldest first."""
    page_obj = Paginator(FAQ.objects.queue(), QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    remember_questions_waiting(request, page_obj.paginator.count)
    return render(request, "resources/faq_queue.html", {"questions": page_obj.object_list, "page_obj": page_obj})


def managed_faqs():
    return FAQ.objects.exclude(status=FAQStatus.ASKED)


@facilitator_required
def faq_manage(request):
    """Every answered FAQ (or one theme's), by theme in display order, a page at a time, with controls to
    reorder, edit and (un)publish. Whether an FAQ has a neighbour to swap with comes from the database, as
    its neighbour may be on another page."""
    themes = Theme.objects.filter(faqs__in=managed_faqs()).distinct().order_by("order", "name")
    theme = None
    # The answers (and their rendered HTML, the widest columns) are not shown here.
    faqs = managed_faqs().select_related("theme").defer("answer", "answer_html")
    if request.GET.get("theme"):
        theme = get_object_or_404(Theme, slug=request.GET["theme"])
        faqs = faqs.filter(theme=theme)
    siblings = managed_faqs().filter(theme=OuterRef("theme"))
    faqs = faqs.annotate(
        may_move_up=Exists(
            siblings.filter(Q(order__lt=OuterRef("order")) | Q(order=OuterRef("order"), pk__lt=OuterRef("pk")))
        ),
        may_move_down=Exists(
            siblings.filter(Q(order__gt=OuterRef("order")) | Q(order=OuterRef("order"), pk__gt=OuterRef("pk")))
        ),
    ).order_by("theme__order", "theme__name", "theme", "order", "pk")
    page_obj = Paginator(faqs, MANAGED_FAQS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page_obj, "themes": themes, "current_theme": theme}
    return render(request, "resources/faq_manage.html", context)


def next_order(theme):
    return (FAQ.objects.filter(theme=theme).aggregate(Max("order"))["order__max"] or 0) + 1


def tell_asker(faq):
    """Email the asker (if they left an address) that the answer is out, then forget the address."""
    if faq.asker_email:
        body = render_to_string(
            "resources/email/question_answered.txt",
            {"faq": faq, "answer_url": absolute_url(faq.get_absolute_url())},
        )
        queue_email("Your question has been answered", body, [faq.asker_email])
    faq.asker_email = ""


@facilitator_required
def faq_answer(request, pk):
    """Answer a visitor's question (and publish it), or edit an existing FAQ."""
    faq = get_object_or_404(FAQ, pk=pk)
    answering = faq.status == FAQStatus.ASKED
    label = "Publish answer" if answering else "Save"
    if request.method == "POST":
        form = FAQForm(request.POST, instance=faq, submit_label=label)
        if form.is_valid():
            with transaction.atomic():
                faq = form.save(commit=False)
                if answering or "theme" in form.changed_data:
                    faq.order = next_order(faq.theme)
                if answering:
                    faq.status = FAQStatus.PUBLISHED
                    tell_asker(faq)
                faq.save()
            messages.success(request, "The answer is published." if answering else "The FAQ was saved.")
            return redirect("resources:faq_queue" if answering else "resources:faq_manage")
    else:
        form = FAQForm(instance=faq, submit_label=label)
    return render(request, "resources/faq_form.html", {"form": form, "faq": faq, "answering": answering})


@facilitator_required
def faq_create(request):
    if request.method == "POST":
        form = FAQForm(request.POST, submit_label="Publish FAQ")
        if form.is_valid():
            faq = form.save(commit=False)
            faq.status = FAQStatus.PUBLISHED
            faq.order = next_order(faq.theme)
            faq.save()
            messages.success(request, "The FAQ is published.")
            return redirect("resources:faq_manage")
    else:
        form = FAQForm(submit_label="Publish FAQ")
    return render(request, "resources/faq_form.html", {"form": form, "faq": None, "answering": False})


@require_POST
@facilitator_required
def faq_discard(request, pk):
    faq = get_object_or_404(FAQ, pk=pk, status=FAQStatus.ASKED)
    faq.delete()
    messages.success(request, "The question was discarded and deleted, with any email address left with it.")
    return redirect("resources:faq_queue")


@require_POST
@facilitator_required
def faq_publish(request, pk):
    faq = get_object_or_404(FAQ.objects.exclude(status=FAQStatus.ASKED), pk=pk)
    faq.status = FAQStatus.PUBLISHED if request.POST.get("action") == "publish" else FAQStatus.DRAFT
    faq.save(update_fields=["status", "updated"])
    if faq.status == FAQStatus.PUBLISHED:
        messages.success(request, "The FAQ is published.")
    else:
        messages.success(request, "The FAQ is unpublished: only facilitators can see it now.")
    return redirect("resources:faq_manage")


@require_POST
@facilitator_required
def faq_move(request, pk):
    """Swap an FAQ with its neighbour above or below within its theme."""
    with transaction.atomic():
        faq = get_object_or_404(FAQ.objects.select_for_update().exclude(status=FAQStatus.ASKED), pk=pk)
        siblings = list(FAQ.objects.filter(theme=faq.theme).exclude(status=FAQStatus.ASKED).order_by("order", "pk"))
        index = siblings.index(faq)
        target = index - 1 if request.POST.get("direction") == "up" else index + 1
        if 0 <= target < len(siblings):
            siblings[index], siblings[target] = siblings[target], siblings[index]
            for position, sibling in enumerate(siblings, 1):
                sibling.order = position
            FAQ.objects.bulk_update(siblings, ["order"])
            messages.success(request, f"Moved “{faq}” {'up' if target < index else 'down'}.")
    faq.refresh_from_db(fields=["order"])
    if faq.theme_id is None:
        return redirect(f"{reverse('resources:faq_manage')}#{faq.anchor}")
    # Back to the FAQ where it now is: the page of its theme's FAQs that shows it.
    path = reverse("resources:faq_manage")
    return redirect(faq_page_url(path, faq, managed_faqs(), MANAGED_FAQS_PER_PAGE, theme=faq.theme.slug))


# The number of visitors' questions waiting, shown to facilitators in the navigation and on the dashboard -----


def questions_waiting(request):
    """How many questions wait for an answer: one COUNT on the queue's index, once per request. The same for every
    facilitator and shown on each of their pages, so with the page cache on it is kept in the shared cache under
    the content version, which every question asked, answered or deleted bumps."""
    if not hasattr(request, "_questions_waiting"):
        request._questions_waiting = content_version.cached_value(
            "questions-waiting", lambda: FAQ.objects.queue().count()
        )
    return request._questions_waiting


def remember_questions_waiting(request, count):
    """For a page that has counted the queue already (the dashboard), so the navigation does not count again."""
    request._questions_waiting = count
