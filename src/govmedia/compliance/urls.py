from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("check/", views.check_page, name="check"),
    path("check/panel/", views.panel, name="panel"),
    path("check/long-weibo/", views.long_weibo, name="long_weibo"),
    path("lexicon/", views.lexicon, name="lexicon"),
    path("lexicon/new/", views.lexicon_edit, name="lexicon_new"),
    path("lexicon/<int:pk>/", views.lexicon_edit, name="lexicon_edit"),
    path("lexicon/<int:pk>/delete/", views.lexicon_delete, name="lexicon_delete"),
    path("lexicon/import/", views.lexicon_import, name="lexicon_import"),
    path("lexicon/export/", views.lexicon_export, name="lexicon_export"),
    path("profiles/", views.profiles, name="profiles"),
    path("profiles/<str:key>/", views.profile_edit, name="profile_edit"),
]
