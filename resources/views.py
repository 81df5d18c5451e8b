"""Tools and resources: the public catalogue, downloads, the facilitators' curation pages and the engage page."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from ea_portal.keyset import keyset_page
from partnerships.roles import facilitator_required
from resources.filters import ResourceFilter
from resources.forms import ResourceForm
from resources.models import NewsletterIssue, Resource
from resources.uploads import download_filename


def get_resource_for_viewing(request, slug):
    """The resource if the user may see it; unpublished ones are a 404 to everyone but facilitators."""
    return get_object_or_404(Resource.objects.visible_to(request.user).select_related("partnership"), slug=slug)


RESOURCES_PER_PAGE = 20
NUMBERED_RESOURCE_PAGES = 10


def resource_list(request):
    resources = Resource.objects.visible_to(request.user).select_related("partnership").prefetch_related("themes")
    filterset = ResourceFilter(request.GET or None, queryset=resources)
    # Last updated first (served by Resource's resource_published_order_idx), pages beyond the numbered ones
    # following a cursor (ea_portal.keyset), as on /learning/.
    page_obj = keyset_page(
        request,
        filterset.qs,
        keys=("updated", "pk"),
        per_page=RESOURCES_PER_PAGE,
        numbered_pages=NUMBERED_RESOURCE_PAGES,
    )
    context = {
        "filterset": filterset,
        "page_obj": page_obj,
        "object_list": page_obj.object_list,
        "filtered": any(request.GET.get(name) for name in filterset.form.fields),
    }
    return render(request, "resources/resource_list.html", context)


def resource_detail(request, slug):
    resource = get_resource_for_viewing(request, slug)
    return render(request, "resources/resource_detail.html", {"resource": resource})


def resource_download(request, slug):
    """Count the download, then serve the file as an attachment (or send the visitor to the external address)."""
    resource = get_resource_for_viewing(request, slug)
    if resource.is_external:
        resource.record_download(request.user)
        return redirect(resource.external_url)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this resource is missing.") from None
    resource.record_download(request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_filename(resource.original_filename, resource.file_extension, resource.slug),
        content_type=resource.content_type or "application/octet-stream",
    )
    # A file streamed from object storage cannot seek for its length; the storage gave it (resources.storage).
    if "Content-Length" not in response:
        response["Content-Length"] = handle.file.size
    return response


def form_page(request, form_class, template_name, message, instance=None, on_save=None):
    """The facilitators' create and edit pages of resources and newsletter issues: the form, and once it is
    saved (and `on_save` has had the saved object), `message` (formatted with the form's data) on its page."""
    form = form_class(request.POST if request.method == "POST" else None, request.FILES or None, instance=instance)
    if form.is_bound and form.is_valid():
        saved = form.save()
        if on_save is not None:
            on_save(saved)
        messages.success(request, message % form.cleaned_data)
        return redirect(saved)
    return render(request, template_name, {"form": form, "object": instance})


@facilitator_required
def resource_create(request):
    message = "“%(title)s” was saved as a draft. Publish it when it is ready."
    return form_page(request, ResourceForm, "resources/resource_form.html", message)


@facilitator_required
def resource_edit(request, slug):
    resource = get_object_or_404(Resource, slug=slug)
    old_file = resource.file.name

    def delete_replaced_upload(saved):
        # Only once the resource is saved pointing at the new file (a refused form changes nothing).
        if old_file and old_file != saved.file.name:
            saved.file.storage.delete(old_file)

    message = "“%(title)s” was updated."
    return form_page(request, ResourceForm, "resources/resource_form.html", message, resource, delete_replaced_upload)


@require_POST
@facilitator_required
def resource_publish(request, slug):
    resource = get_object_or_404(Resource, slug=slug)
    publish = request.POST.get("action") == "publish"
    resource.published = publish
    resource.save(update_fields=["published", "updated"])
    if publish:
        messages.success(request, f"“{resource}” is published: everyone can now see and download it.")
    else:
        messages.success(request, f"“{resource}” is unpublished: only facilitators can see it now.")
    return redirect(resource)


def learning_examples_url():
    # The learning app's list page; its path is fixed even while the app is being built.
    try:
        return reverse("learning:example_list")
    except NoReverseMatch:
        return "/learning/"


def engage(request):
    context = {
        "latest_issue": NewsletterIssue.objects.published().first(),
        "learning_url": learning_examples_url(),
    }
    return render(request, "resources/engage.html", context)
