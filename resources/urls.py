from django.urls import path

from resources import faq_views, feeds, manage_views, newsletter_views, views

app_name = "resources"

urlpatterns = [
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/downloads/", manage_views.resource_downloads, name="resource_downloads"),
    path("resources/feed/rss/", feeds.ResourcesFeed(), name="resource_feed_rss"),
    path("resources/feed/atom/", feeds.ResourcesAtomFeed(), name="resource_feed_atom"),
    path("resources/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("resources/<slug:slug>/download/", views.resource_download, name="resource_download"),
    path("resources/<slug:slug>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<slug:slug>/publish/", views.resource_publish, name="resource_publish"),
    path("engage/", views.engage, name="engage"),
    path("faqs/", faq_views.faq_list, name="faq_list"),
    path("faqs/ask/", faq_views.ask_question, name="faq_ask"),
    path("faqs/queue/", faq_views.faq_queue, name="faq_queue"),
    path("faqs/manage/", faq_views.faq_manage, name="faq_manage"),
    path("faqs/new/", faq_views.faq_create, name="faq_create"),
    path("faqs/themes/<slug:slug>/", faq_views.faq_theme, name="faq_theme"),
    path("faqs/<int:pk>/", faq_views.faq_detail, name="faq_detail"),
    path("faqs/<int:pk>/answer/", faq_views.faq_answer, name="faq_answer"),
    path("faqs/<int:pk>/discard/", faq_views.faq_discard, name="faq_discard"),
    path("faqs/<int:pk>/publish/", faq_views.faq_publish, name="faq_publish"),
    path("faqs/<int:pk>/move/", faq_views.faq_move, name="faq_move"),
    path("newsletter/", newsletter_views.signup, name="newsletter_signup"),
    path("newsletter/check-your-email/", newsletter_views.check_email, name="newsletter_check_email"),
    path("newsletter/confirm/<str:token>/", newsletter_views.confirm, name="newsletter_confirm"),
    path("newsletter/unsubscribe/<str:token>/", newsletter_views.unsubscribe, name="newsletter_unsubscribe"),
    path("newsletter/subscribers/", manage_views.subscribers_summary, name="subscribers_summary"),
    path("newsletter/archive/", newsletter_views.archive, name="newsletter_archive"),
    path("newsletter/archive/new/", newsletter_views.issue_create, name="newsletter_issue_create"),
    path("newsletter/archive/<slug:slug>/", newsletter_views.issue_detail, name="newsletter_issue"),
    path("newsletter/archive/<slug:slug>/edit/", newsletter_views.issue_edit, name="newsletter_issue_edit"),
    path("newsletter/archive/<slug:slug>/publish/", newsletter_views.issue_publish, name="newsletter_issue_publish"),
    path("newsletter/archive/<slug:slug>/send/", newsletter_views.issue_send, name="newsletter_issue_send"),
    path(
        "newsletter/archive/<slug:slug>/send/progress/",
        newsletter_views.issue_send_progress,
        name="newsletter_issue_send_progress",
    ),
    path("newsletter/feed/rss/", feeds.NewsletterFeed(), name="newsletter_feed_rss"),
    path("newsletter/feed/atom/", feeds.NewsletterAtomFeed(), name="newsletter_feed_atom"),
]
