from django.urls import path

from ea_portal.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/csv/<slug:table>/", views.dashboard_csv, name="csv"),
]
