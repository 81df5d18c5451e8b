from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from ea_portal import views
from ea_portal.search import views as search_views
from ea_portal.sitemaps import SITEMAPS, robots_txt

admin.site.site_header = "EA Portal administration"
admin.site.site_title = "EA Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("search/", search_views.search_page, name="search"),
    path("", include("partnerships.urls")),
    path("", include("learning.urls")),
    path("", include("resources.urls")),
    path("", include("ea_portal.dashboard.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
]
