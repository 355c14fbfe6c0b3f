from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for local use (``manage.py load_demo``): the compact's text as data files
    in ``demo/data/``, fictional organisations, users and signatures. It may import every
    app; no app imports it."""

    name = "demo"
    verbose_name = _("Demo data")
