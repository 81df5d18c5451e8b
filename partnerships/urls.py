from django.urls import path

from partnerships import accounts, views

app_name = "partnerships"

urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/csv/", views.matrix_csv, name="matrix_csv"),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<slug:slug>/note/", views.partnership_note_edit, name="partnership_note_edit"),
    path("partnerships/<slug:slug>/contact/", views.partnership_contact_edit, name="partnership_contact_edit"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("themes/<slug:slug>/note/", views.theme_note_edit, name="theme_note_edit"),
    path("arrangements/", views.arrangement_list, name="arrangement_list"),
    path("accounts/leads/", accounts.lead_list, name="lead_list"),
    path("accounts/leads/new/", accounts.lead_create, name="lead_create"),
    path("accounts/leads/<int:pk>/", accounts.lead_detail, name="lead_detail"),
    path("accounts/leads/<int:pk>/invite/", accounts.lead_resend_invitation, name="lead_resend_invitation"),
    path("accounts/leads/<int:pk>/deactivate/", accounts.lead_deactivate, name="lead_deactivate"),
    path("accounts/leads/<int:pk>/reactivate/", accounts.lead_reactivate, name="lead_reactivate"),
    path("accounts/leads/<int:pk>/move/", accounts.lead_move, name="lead_move"),
    path("accounts/leads/<int:pk>/partnerships/", accounts.lead_add_partnership, name="lead_add_partnership"),
    path(
        "accounts/leads/<int:pk>/partnerships/<slug:slug>/remove/",
        accounts.lead_remove_partnership,
        name="lead_remove_partnership",
    ),
    path("accounts/landing/", accounts.login_landing, name="login_landing"),
]
