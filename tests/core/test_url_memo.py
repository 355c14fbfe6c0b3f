"""{% url %} (core/templatetags/portal_builtins.py) answers as Django's reverse() does."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from core.templatetags import portal_builtins


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.fixture(autouse=True)
def empty_memo():
    portal_builtins._MEMO.clear()


def test_every_template_has_it():
    template = engines["django"].from_string("{% url 'compact:home' %}")
    assert isinstance(template.template.nodelist[0], portal_builtins.MemoisedURLNode)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_same_answers_as_reverse_in_each_language(language):
    with translation.override(language):
        for _ in range(2):  # asked, then remembered
            assert render("{% url 'compact:home' %}") == reverse("compact:home")
            assert render("{% url 'principles:detail' 7 %}") == reverse(
                "principles:detail", args=[7]
            )
            assert render("{% url 'principles:detail' pk %}", pk=8) == reverse(
                "principles:detail", args=[8]
            )
            assert render("{% url 'principles:detail' pk=pk %}", pk="9") == reverse(
                "principles:detail", kwargs={"pk": 9}
            )
            assert render("{% url 'principles:party' 'municipality' %}") == reverse(
                "principles:party", args=["municipality"]
            )


def test_languages_are_remembered_apart():
    with translation.override("sv"):
        sv = render("{% url 'principles:list' %}")
    with translation.override("en"):
        en = render("{% url 'principles:list' %}")
    assert sv.startswith("/sv/") and en.startswith("/en/")


def test_a_name_that_does_not_reverse_fails_every_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            render("{% url 'principles:detail' 'not-a-number' %}")
    assert render("{% url 'nowhere' as there %}[{{ there }}]") == "[]"
    assert portal_builtins._MEMO == {}


def test_an_argument_that_is_not_a_string_or_a_number_is_not_remembered():
    class Pk:
        def __init__(self, value):
            self.value = value

        def __str__(self):
            return str(self.value)

    with translation.override("sv"):
        three, one = reverse("principles:detail", args=[3]), reverse("principles:detail", args=[1])
        assert render("{% url 'principles:detail' pk %}", pk=Pk(3)) == three
        assert render("{% url 'principles:detail' pk %}", pk=1) == one  # remembered
        with pytest.raises(NoReverseMatch):  # True == 1, but "True" is no pk
            render("{% url 'principles:detail' pk %}", pk=True)
    assert [key[1] for key in portal_builtins._MEMO] == [(1,)]  # only the integer


def test_a_new_url_configuration_empties_the_memo(settings):
    with translation.override("sv"):
        render("{% url 'compact:home' %}")
        assert portal_builtins._MEMO
        settings.ROOT_URLCONF = "config.urls"
    assert portal_builtins._MEMO == {}
