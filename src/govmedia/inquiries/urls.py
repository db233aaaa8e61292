from django.urls import path

from . import views

app_name = "inquiries"
urlpatterns = [
    path("", views.inquiry_list, name="list"),
    path("new/", views.inquiry_new, name="new"),
    path("import/", views.inquiry_import, name="import"),
    path("petitions/", views.petitions, name="petitions"),
    path("petitions/channel/", views.petition_channel, name="channel"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.inquiry_detail, name="detail"),
    path("<int:pk>/actions/<str:action>/", views.inquiry_action, name="action"),
    path("<int:pk>/dispose/", views.inquiry_dispose, name="dispose"),
    path("<int:pk>/attachments/", views.inquiry_attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/slip/", views.slip_print, name="slip"),
    path("<int:pk>/slip.docx", views.slip_docx, name="slip_docx"),
]
