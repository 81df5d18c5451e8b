from django.contrib import admin

from learning.history import record_version
from learning.models import CuratedItem, ExampleVersion, LearningExample, Transition


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "by", "anonymity_confirmed", "feedback"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LearningExample)
class LearningExampleAdmin(admin.ModelAdmin):
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
            obj.version += 1
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
