"""Tools and resources: the public catalogue, downloads, the facilitators' curation pages and the engage page."""

from django.contrib import messages
from django.contrib.messages.views import SuccessMessageMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, UpdateView

from partnerships.roles import FacilitatorRequiredMixin, facilitator_required
from resources.filters import ResourceFilter
from resources.forms import ResourceForm
from resources.models import NewsletterIssue, Resource
from resources.uploads import download_filename


def get_resource_for_viewing(request, slug):
    """The resource if the user may see it; unpublished ones are a 404 to everyone but facilitators."""
    queryset = Resource.objects.visible_to(request.user).select_related("partnership").prefetch_related("themes")
    return get_object_or_404(queryset, slug=slug)


class ResourceListView(ListView):
    template_name = "resources/resource_list.html"
    paginate_by = 20

    def get_queryset(self):
        resources = (
            Resource.objects.visible_to(self.request.user)
            .select_related("partnership")
            .prefetch_related("themes")
            .order_by("-updated", "title")
        )
        self.filterset = ResourceFilter(self.request.GET or None, queryset=resources)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


def resource_detail(request, slug):
    resource = get_resource_for_viewing(request, slug)
    return render(request, "resources/resource_detail.html", {"resource": resource})


def resource_download(request, slug):
    """Count the download, then serve the file as an attachment (or send the visitor to the external address)."""
    resource = get_object_or_404(Resource.objects.visible_to(request.user), slug=slug)
    if resource.is_external:
        resource.record_download()
        return redirect(resource.external_url)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this resource is missing.") from None
    resource.record_download()
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


class ResourceCreateView(FacilitatorRequiredMixin, SuccessMessageMixin, CreateView):
    model = Resource
    form_class = ResourceForm
    template_name = "resources/resource_form.html"
    success_message = "“%(title)s” was saved as a draft. Publish it when it is ready."


class ResourceUpdateView(FacilitatorRequiredMixin, SuccessMessageMixin, UpdateView):
    model = Resource
    form_class = ResourceForm
    template_name = "resources/resource_form.html"
    success_message = "“%(title)s” was updated."

    def form_valid(self, form):
        old_file = Resource.objects.get(pk=self.object.pk).file
        response = super().form_valid(form)
        if old_file and old_file.name != self.object.file.name:
            old_file.storage.delete(old_file.name)
        return response


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
