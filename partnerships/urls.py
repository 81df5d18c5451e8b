from django.urls import path

from partnerships import accounts, views

app_name = "partnerships"

urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/csv/", views.matrix_csv, name="matrix_csv"),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<slug:slug>/note/", views.partnership_note_edit, name="partnership_note_edit"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("themes/<slug:slug>/note/", views.theme_note_edit, name="theme_note_edit"),
    path("arrangements/", views.arrangement_list, name="arrangement_list"),
    path("accounts/leads/", accounts.lead_list, name="lead_list"),
    path("accounts/leads/new/", accounts.lead_create, name="lead_create"),
]
