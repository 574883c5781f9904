"""Settings -> Branding: the admin sets the name, colour and logo of the organization's emails. The logo is a
PNG or JPEG within limits, read by Pillow, stored under MEDIA_ROOT by the hash of its bytes and served to anyone
at an absolute address; the colour is #rrggbb and the button's text black or white for WCAG AA contrast."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mentorhub.accounts.branding import branding_of
from mentorhub.accounts.models import AuditEvent, Organization
from mentorhub.accounts.services.branding import LOGO_MAX_BYTES, organization_branding_update
from mentorhub.web.email import Branding, contrast_ratio, html_to_text, text_colour_on
from tests.helpers import org_url

from .helpers import png

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("colour", "text"), [("#1f5fbf", "#ffffff"), ("#ffd400", "#000000"), ("#000000", "#ffffff"), ("#7fbf7f", "#000000")]
)
def test_the_button_text_is_whichever_of_black_and_white_reads_better_and_always_aa(colour, text):
    assert text_colour_on(colour) == text
    assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5


def test_every_grey_gets_a_text_colour_with_aa_contrast():
    for level in range(256):
        colour = f"#{level:02x}{level:02x}{level:02x}"
        assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5, colour


def test_links_keep_the_brand_colour_only_where_it_reads_on_white():
    assert Branding(name="A", colour="#1f5fbf").link_colour == "#1f5fbf"
    assert Branding(name="A", colour="#ffd400").link_colour == "#1a1a1a"


def test_the_text_part_follows_fixed_rules():
    page = (
        "<html><head><title>Hi</title><style>p{}</style></head><body>"
        '<div data-text="skip"><img src="x" alt="Logo"> Acme</div>'
        "<p>One  line<br>two &amp; more</p><p>See <a href='https://a.test/x'>the page</a>.</p>"
        "<a data-text='button' href='https://a.test/go'>Go now</a>"
        "<p>Stop: <a data-text='href' href='https://a.test/stop'>unsubscribe</a></p></body></html>"
    )
    assert html_to_text(page) == (
        "One line\ntwo & more\n\nSee the page (https://a.test/x).\n\nGo now: https://a.test/go\n\n"
        "Stop: https://a.test/stop\n"
    )


def test_a_logo_is_stored_by_its_hash_and_served_to_anyone(org, admin, settings):
    data = png()
    organization_branding_update(organization=org, actor=admin.user, name="", colour="#0A7D4F", logo=data)
    org.refresh_from_db()
    name = f"{hashlib.sha256(data).hexdigest()}.png"
    assert org.brand_logo == name and org.brand_colour == "#0a7d4f"
    assert (Path(settings.MEDIA_ROOT) / "branding" / name).read_bytes() == data
    branding = branding_of(org)
    assert branding.logo_url == f"http://127.0.0.1:8000/brand/{name}" and branding.name == org.name
    response = Client().get(f"/brand/{name}")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == data
    assert "immutable" in response["Cache-Control"]
    assert Client().get(f"/brand/{'0' * 64}.png").status_code == 404
    assert Client().get("/brand/..%2Fsecret.png").status_code == 404
    event = AuditEvent.objects.get(organization=org, verb="organization.branding_update")
    assert event.changes["brand_logo"] == ["", name]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (png(kind="GIF"), "PNG or JPEG"),
        (b"%PDF-1.4 not an image", "PNG or JPEG"),
        (png()[:60], "PNG or JPEG"),  # cut short
        (png(3000, 40), "between 16 and 2000 pixels"),
        (png(10, 10), "between 16 and 2000 pixels"),
    ],
)
def test_what_is_not_an_acceptable_logo_is_refused(org, admin, data, reason):
    with pytest.raises(ValidationError, match=reason):
        organization_branding_update(organization=org, actor=admin.user, name="", colour="", logo=data)
    assert Organization.objects.get(pk=org.pk).brand_logo == ""


def test_a_jpeg_is_accepted_and_a_colour_must_be_rrggbb(org, admin):
    organization_branding_update(organization=org, actor=admin.user, name="", colour="", logo=png(kind="JPEG"))
    assert Organization.objects.get(pk=org.pk).brand_logo.endswith(".jpg")
    for colour in ("red", "#12345", "#1234567", "#gg0000"):
        with pytest.raises(ValidationError):
            organization_branding_update(organization=org, actor=admin.user, name="", colour=colour)


def test_the_page_saves_for_the_admin(admin_client, org):
    url = org_url("branding-settings", org)
    assert admin_client.get(url).status_code == 200
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = admin_client.post(url, {"brand_name": "Alpha People", "brand_colour": "#0a7d4f", "logo": logo})
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.brand_name, org.brand_colour) == ("Alpha People", "#0a7d4f") and org.brand_logo
    page = admin_client.get(url).content.decode()
    assert f"/brand/{org.brand_logo}" in page and 'fill="#0a7d4f"' in page
    removed = admin_client.post(url, {"brand_name": "Alpha People", "brand_colour": "", "remove_logo": "on"})
    assert removed.status_code == 302
    org.refresh_from_db()
    assert org.brand_logo == "" and org.brand_colour == ""


def test_the_page_refuses_a_bad_colour_and_a_large_file(admin_client, org):
    url = org_url("branding-settings", org)
    response = admin_client.post(url, {"brand_colour": "blue"})
    assert response.status_code == 400 and "six hexadecimal digits" in response.content.decode()
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * LOGO_MAX_BYTES, content_type="image/png")
    response = admin_client.post(url, {"logo": big})
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert Organization.objects.get(pk=org.pk).brand_logo == ""


def test_members_may_not_and_outsiders_see_nothing(member_client, outsider_client, org):
    url = org_url("branding-settings", org)
    assert member_client.get(url).status_code == 403
    assert member_client.post(url, {"brand_colour": "#000000"}).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"brand_colour": "#000000"}).status_code == 404
    assert Organization.objects.get(pk=org.pk).brand_colour == ""
