from django.urls import path
from django.views.generic import RedirectView

from . import incident_views, patrol_views, views

app_name = "security"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="security:accounts"), name="index"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("accounts/<int:pk>/password/", views.password_change, name="password_change"),
    path("rotation/", views.rotation_tasks, name="rotation"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("files/<int:pk>/", views.file, name="file"),
    path("signins/", views.signins, name="signins"),
    path("networks/", views.networks, name="networks"),
    path("networks/<int:pk>/remove/", views.network_remove, name="network_remove"),
    path("devices/<int:pk>/approve/", views.device_approve, name="device_approve"),
    path("settings/", views.settings_view, name="settings"),
    path("comments/", views.comments, name="comments"),
    path("comments/new/", views.comment_new, name="comment_new"),
    path("drills/", views.drills, name="drills"),
    path("drills/new/", views.drill_new, name="drill_new"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("summary/", views.summary, name="summary"),
    path("patrols/", patrol_views.patrols, name="patrols"),
    path("patrols/new/", patrol_views.patrol_new, name="patrol_new"),
    path("patrols/missed/", patrol_views.missed, name="missed"),
    path("patrols/<int:pk>/", patrol_views.patrol, name="patrol"),
    path("roster/", patrol_views.roster, name="roster"),
    path("roster/<int:pk>/", patrol_views.shift_edit, name="shift_edit"),
    path("periods/", patrol_views.periods, name="periods"),
    path("periods/new/", patrol_views.period_new, name="period_new"),
    path("periods/<int:pk>/remove/", patrol_views.period_remove, name="period_remove"),
    path("incidents/", incident_views.incidents, name="incidents"),
    path("incidents/new/", incident_views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incident_views.incident, name="incident"),
    path("incidents/<int:pk>/steps/<int:step_id>/", incident_views.step_done, name="step_done"),
    path("incidents/<int:pk>/note/", incident_views.note, name="incident_note"),
    path("incidents/<int:pk>/close/", incident_views.close, name="incident_close"),
    path("notices/<int:pk>/read/", incident_views.notice_read, name="notice_read"),
]
