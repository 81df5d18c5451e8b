from django.urls import path

from ea_portal.search import views

# Not namespaced: every page's header links to {% url 'search' %}.
urlpatterns = [
    path("", views.search_page, name="search"),
]
