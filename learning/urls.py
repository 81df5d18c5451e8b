from django.urls import path

from learning import curation_views, feeds, manage_views, views

app_name = "learning"

urlpatterns = [
    path("enquiry/", views.enquiry_framework, name="enquiry_framework"),
    path("learning/", views.example_list, name="example_list"),
    path("learning/stages/", views.stage_guide, name="stage_guide"),
    path("learning/feed/rss/", feeds.LearningExamplesFeed(), name="example_feed_rss"),
    path("learning/feed/atom/", feeds.LearningExamplesAtomFeed(), name="example_feed_atom"),
    path("learning/<slug:slug>/", views.example_detail, name="example_detail"),
    path("learning/<slug:slug>/edit/", views.example_edit, name="example_edit"),
    path("learning/<slug:slug>/submit/", views.example_submit, name="example_submit"),
    path("learning/<slug:slug>/review/", views.example_review, name="example_review"),
    path("learning/<slug:slug>/publish/", views.example_publish, name="example_publish"),
    path("learning/<slug:slug>/return/", views.example_return, name="example_return"),
    path("learning/<slug:slug>/unpublish/", views.example_unpublish, name="example_unpublish"),
    path("learning/<slug:slug>/revision/", views.revision_detail, name="revision_detail"),
    path("learning/<slug:slug>/revision/submit/", views.revision_submit, name="revision_submit"),
    path("learning/<slug:slug>/revision/publish/", views.revision_publish, name="revision_publish"),
    path("learning/<slug:slug>/revision/return/", views.revision_return, name="revision_return"),
    path("learning/<slug:slug>/revision/withdraw/", views.revision_withdraw, name="revision_withdraw"),
    path("learning/<slug:slug>/history/", views.example_history, name="example_history"),
    path("learning/<slug:slug>/history/compare/", views.example_compare, name="example_compare"),
    path("learning/<slug:slug>/history/<int:number>/restore/", views.example_restore, name="example_restore"),
    path("contribute/", views.my_examples, name="my_examples"),
    path("contribute/new/", views.example_create, name="example_create"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/examples/", manage_views.all_examples, name="all_examples"),
    path("review/curation/", curation_views.curation_list, name="curation_list"),
    path("review/curation/new/", curation_views.curation_create, name="curation_create"),
    path("review/curation/<int:pk>/edit/", curation_views.curation_edit, name="curation_edit"),
    path("review/curation/<int:pk>/delete/", curation_views.curation_delete, name="curation_delete"),
    path("review/curation/<int:pk>/move/", curation_views.curation_move, name="curation_move"),
]
