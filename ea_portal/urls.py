from django.contrib import admin
from django.urls import include, path

from ea_portal import views

admin.site.site_header = "EA Portal administration"
admin.site.site_title = "EA Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("partnerships.urls")),
    path("", include("learning.urls")),
    path("", include("resources.urls")),
    path("admin/", admin.site.urls),
]
