from django.contrib import admin
from django.urls import include, path

from ea_portal import health, views
from ea_portal.sitemaps import robots_txt, sitemap_index, sitemap_section
from partnerships import accounts

admin.site.site_header = "EA Portal administration"
admin.site.site_title = "EA Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("search/", include("ea_portal.search.urls")),
    path("", include("partnerships.urls")),
    path("", include("learning.urls")),
    path("", include("resources.urls")),
    path("", include("ea_portal.dashboard.urls")),
    # Before Django's own: the portal's reset page queues its mail for the worker, with links on PORTAL_BASE_URL.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

# Database outages outside a view get the same 503 page as those inside one (ea_portal.unavailable).
handler500 = "ea_portal.unavailable.server_error"
