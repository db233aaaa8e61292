from django.contrib.auth import views as auth_views
from django.urls import include, path

from govmedia.api.urls import api
from govmedia.org.forms import ChangePasswordForm, SignInForm
from govmedia.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/two-factor/", include("govmedia.security.twofactor_urls")),
    path("org/", include("govmedia.org.urls")),
    path("audit/", include("govmedia.audit.urls")),
    path("calendar/", include("govmedia.calendar.urls")),
    path("security/", include("govmedia.security.urls")),
    path("registry/", include("govmedia.registry.urls")),
    path("compliance/", include("govmedia.compliance.urls")),
    path("publishing/", include("govmedia.publishing.urls")),
    path("inquiries/", include("govmedia.inquiries.urls")),
    path("platforms/", include("govmedia.platforms.urls")),
    path("deliveries/", include("govmedia.platforms.web_urls")),
    path("simulator/", include("govmedia.platforms.simulator.urls")),  # 404 unless SIMULATOR_ENABLED
    path("notifications/", include("govmedia.notifications.urls")),
    path("reports/", include("govmedia.reports.urls")),
    path("api/v1/", api.urls),
]

handler400 = "govmedia.web.views.error_400"
handler403 = "govmedia.web.views.error_403"
handler404 = "govmedia.web.views.error_404"
handler500 = "govmedia.web.views.error_500"
