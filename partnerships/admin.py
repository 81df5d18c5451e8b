from django.contrib import admin

from partnerships.models import LocalAuthority, Membership, Partnership, PublishedArrangement, SiteApproach, Theme


class LocalAuthorityInline(admin.TabularInline):
    model = LocalAuthority
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


class SiteApproachInline(admin.TabularInline):
    model = SiteApproach
    extra = 0
    autocomplete_fields = ["theme"]


class PublishedArrangementInline(admin.StackedInline):
    model = PublishedArrangement
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "deck_order"]
    list_filter = ["region", "themes"]
    search_fields = ["name", "summary", "authorities__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LocalAuthorityInline, SiteApproachInline, PublishedArrangementInline, MembershipInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "matrix_label", "matrix_order", "enquiry_line", "enquiry_order"]
    list_editable = ["order"]
    search_fields = ["name", "description", "matrix_label", "enquiry_line"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership"]
    list_filter = ["partnership__region"]
    list_select_related = ["partnership"]
    search_fields = ["name", "partnership__name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SiteApproach)
class SiteApproachAdmin(admin.ModelAdmin):
    list_display = ["partnership", "theme", "stage"]
    list_filter = ["stage", "theme", "partnership__region"]
    list_select_related = ["partnership", "theme"]
    search_fields = ["partnership__name", "theme__name", "description"]
    autocomplete_fields = ["partnership", "theme"]


@admin.register(PublishedArrangement)
class PublishedArrangementAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "published_month"]
    list_filter = ["published_month"]
    list_select_related = ["partnership"]
    search_fields = ["title", "partnership__name"]
    autocomplete_fields = ["partnership"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role"]
    list_filter = ["role", "partnership"]
    list_select_related = ["user", "partnership"]
    search_fields = ["user__username", "user__email", "partnership__name"]
    autocomplete_fields = ["user", "partnership"]
