from django import forms
from django.contrib import admin
from django.db.models import F

from learning.history import StaleVersion, record_version
from learning.models import CuratedItem, ExampleRevision, ExampleVersion, LearningExample, Transition


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "by", "anonymity_confirmed", "feedback"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


STALE_MESSAGE = (
    "Someone saved this example (in the portal or here) after you opened this page, so your changes have not "
    "been saved. Copy what you need from the form below, then reload the page to see the latest version and "
    "make your changes to it."
)


class LearningExampleAdminForm(forms.ModelForm):
    # The version this page was opened at: a save from an older one is refused, as in the portal's editing form.
    # No Meta: the admin makes the form for the model with the fields it shows.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin validates and saves in one transaction: locking the row here keeps a portal save from
            # slipping in between this check and the save.
            current = (
                LearningExample.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != cleaned.get("opened_version"):
                raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return cleaned


@admin.register(LearningExample)
class LearningExampleAdmin(admin.ModelAdmin):
    form = LearningExampleAdminForm
    list_display = ["title", "partnership", "state", "stage", "updated", "published_at"]
    list_filter = ["state", "stage", "themes", "partnership__region"]
    list_select_related = ["partnership"]
    search_fields = ["title", "summary", "partnership__name", "contact_name"]
    autocomplete_fields = ["partnership", "themes"]
    # State changes go through the portal's review pages so that they are recorded and emailed.
    readonly_fields = ["state", "version", "created_by", "created", "updated", "submitted_at", "published_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TransitionInline]

    def save_model(self, request, obj, form, change):
        if change:
            # The portal's lock (learning.history.save_with_version): claim the next version only if nobody
            # has taken it since the page was opened.
            opened = form.cleaned_data["opened_version"]
            if not LearningExample.objects.filter(pk=obj.pk, version=opened).update(version=F("version") + 1):
                raise StaleVersion
            obj.version = opened + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Every save keeps a version, in the admin too.
        record_version(form.instance, request.user, note="Saved in the admin")


@admin.register(CuratedItem)
class CuratedItemAdmin(admin.ModelAdmin):
    list_display = ["text", "theme", "kind", "group", "order"]
    list_filter = ["kind", "theme"]
    list_select_related = ["theme"]
    search_fields = ["text", "group", "source"]


@admin.register(ExampleVersion)
class ExampleVersionAdmin(admin.ModelAdmin):
    list_display = ["example", "number", "saved_by", "saved_at", "note"]
    list_select_related = ["example", "saved_by"]
    search_fields = ["example__title"]
    readonly_fields = ["example", "number", "content", "saved_by", "saved_at", "note"]

    def has_add_permission(self, request):
        return False


@admin.register(ExampleRevision)
class ExampleRevisionAdmin(admin.ModelAdmin):
    """Read only: revisions are written, reviewed and published in the portal, where each step is recorded."""

    list_display = ["example", "state", "created_by", "created", "submitted_at", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["example", "created_by", "decided_by"]
    search_fields = ["example__title"]
    readonly_fields = [field.name for field in ExampleRevision._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
