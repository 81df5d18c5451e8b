from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "ea_portal.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
