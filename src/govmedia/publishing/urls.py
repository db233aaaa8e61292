from django.urls import path

from . import views

app_name = "publishing"
urlpatterns = [
    path("", views.post_list, name="list"),
    path("new/", views.post_edit, name="new"),
    path("panel/", views.editor_panel, name="panel"),
    path("<int:pk>/", views.post_detail, name="detail"),
    path("<int:pk>/edit/", views.post_edit, name="edit"),
    path("<int:pk>/submit/", views.post_submit, name="submit"),
    path("<int:pk>/steps/<int:step_id>/decision/", views.post_decide, name="decide"),
    path("<int:pk>/publish/", views.post_publish, name="publish"),
    path("<int:pk>/slip/", views.approval_slip, name="slip"),
    path("<int:pk>/slip.docx", views.approval_slip_docx, name="slip_docx"),
    path("archive/", views.archive_list, name="archive"),
    path("materials/", views.materials, name="materials"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/answer/", views.task_answer, name="task_answer"),
    path("materials/<int:pk>/file", views.material_file, name="material_file"),
]
