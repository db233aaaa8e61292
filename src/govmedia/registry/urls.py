from django.urls import path
from django.views.generic import RedirectView

from . import grant_views, views

app_name = "registry"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:ledger"), name="index"),
    path("accounts/", views.ledger, name="ledger"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_view, name="import"),
    path("words/", views.words, name="words"),
    path("grants/", grant_views.review_list, name="grants"),
    path("grants/<int:pk>/confirm/", grant_views.confirm, name="grant_confirm"),
    path("grants/<int:pk>/revoke/", grant_views.revoke, name="grant_review_revoke"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:pk>/", views.account_detail, name="account"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/resume/", views.account_resume, name="account_resume"),
    path("accounts/<int:pk>/grants/<int:grant_pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("accounts/<int:pk>/a1/", views.a1_print, name="account_a1"),
    path("accounts/<int:pk>/a1.docx", views.a1_docx, name="account_a1_docx"),
    path("accounts/<int:pk>/file/<str:kind>/", views.filing_new, name="filing_new"),
    path("accounts/<int:pk>/<str:action>/", views.account_action, name="account_action"),
    path("filings/", views.filings, name="filings"),
    path("filings/<int:pk>/", views.filing_detail, name="filing"),
    path("filings/<int:pk>/edit/", views.filing_edit, name="filing_edit"),
    path("filings/<int:pk>/a1/", views.a1_print, {"what": "filing"}, name="filing_a1"),
    path("filings/<int:pk>/a1.docx", views.a1_docx, {"what": "filing"}, name="filing_a1_docx"),
]
