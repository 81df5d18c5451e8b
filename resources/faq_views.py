"""FAQs: the public page, visitors' questions, and the facilitators' queue and ordering."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from ea_portal.links import absolute_url
from ea_portal.mail import queue_email
from partnerships.roles import FACILITATORS_GROUP, facilitator_required
from resources.forms import AskQuestionForm, FAQForm
from resources.models import FAQ, FAQStatus


def ask_question_rate(group, request):
    return settings.FAQ_QUESTION_RATE


def faq_list(request):
    faqs = FAQ.objects.published().select_related("theme").order_by("theme__order", "theme__name", "order", "pk")
    return render(request, "resources/faq_list.html", {"faqs": faqs})


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


@facilitator_required
def faq_manage(request):
    """Every answered FAQ, by theme in display order, with controls to reorder, edit and (un)publish."""
    faqs = FAQ.objects.exclude(status=FAQStatus.ASKED).select_related("theme")
    return render(request, "resources/faq_manage.html", {"faqs": faqs})


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
    return redirect(f"{reverse('resources:faq_manage')}#{faq.anchor}")


# The number of visitors' questions waiting, shown to facilitators in the navigation and on the dashboard -----


def questions_waiting(request):
    """How many questions wait for an answer: one COUNT on the queue's index, once per request."""
    if not hasattr(request, "_questions_waiting"):
        request._questions_waiting = FAQ.objects.queue().count()
    return request._questions_waiting


def remember_questions_waiting(request, count):
    """For a page that has counted the queue already (the dashboard), so the navigation does not count again."""
    request._questions_waiting = count
