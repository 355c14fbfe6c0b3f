from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from core.access import public
from core.identity import identity_css
from core.security import csp_report, security_txt
from core.views import ping

urlpatterns = [
    path("ping/", ping, name="ping"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("csp-report/", csp_report, name="csp_report"),
    path("identity.css", identity_css, name="identity_css"),
    path("i18n/setlang/", public(set_language), name="set_language"),
]

# The areas under a prefix of their own first: Django tries the patterns in order, and an
# official's request walked every public pattern (about 90) before reaching the back office's.
urlpatterns += i18n_patterns(
    path("backoffice/", include("backoffice.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("compact.urls")),
    path("", include("core.urls")),
    path("", include("principles.urls")),
    path("", include("organisations.urls")),
    path("", include("dialogues.urls")),
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
