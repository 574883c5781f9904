from django.template import Context, Template
from django.urls import reverse, set_script_prefix

LINKS = Template("{% load routes %}{% route_url 'org-home' org_slug=slug %} {% route_url 'home' %}")


def render(slug: str) -> str:
    return LINKS.render(Context({"slug": slug}))


def test_route_url_answers_what_reverse_does_for_each_argument_and_script_prefix():
    assert render("alpha") == f"{reverse('org-home', kwargs={'org_slug': 'alpha'})} {reverse('home')}"
    assert render("beta").startswith("/o/beta/")  # another organization: its own link, not the one remembered
    set_script_prefix("/mentoring-app/")
    try:
        assert render("alpha") == "/mentoring-app/o/alpha/ /mentoring-app/"
    finally:
        set_script_prefix("/")
    assert render("alpha") == "/o/alpha/ /"
