"""Numbers residents' browsers send are read strictly: a tampered cookie or page number never gives a 500.

`str.isdigit()` accepts '²' (int() refuses it: every HTML page answered 500 for `Cookie: text_size=²`) and int()
accepts '٣' and '1_000', which no form of ours sends. Anything but ASCII digits falls back to the default.
"""

import re

import pytest

ODD_NUMBERS = ["²", "1²", "٣", "-1", "1_0", "1.5", " ", "9" * 40]


def html_class(response) -> str:
    return re.search(r'<html[^>]* class="([^"]*)"', response.content.decode()).group(1)


def test_text_size_cookie_falls_back_to_the_normal_size(client, tree):
    pages = [tree["home"].url, tree["catalogue"].url, tree["school_a"].url, "/search/?q=梨树"]
    for value in ODD_NUMBERS:
        # A header is Latin-1 on the wire (WSGI): UTF-8 digits like '٣' arrive as its bytes read as Latin-1.
        client.cookies["text_size"] = value.encode().decode("latin-1") if value == "٣" else value
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (url, value)
            assert html_class(response) == "", (url, value)
    client.cookies["text_size"] = "2"
    assert html_class(client.get(tree["home"].url)) == "text-2"


def test_text_size_form_refuses_odd_numbers(client, db):
    for value in ODD_NUMBERS:
        response = client.post("/preferences/text-size/", {"text_size": value})
        assert response.status_code == 400 and "text_size" not in response.cookies, value
    response = client.post("/preferences/text-size/", {"text_size": " 3"})
    assert response.status_code == 302 and response.cookies["text_size"].value == "3"


@pytest.mark.parametrize("parameter", ["page", "starts_within", "provider"])
def test_numeric_parameters_of_listings_are_ignored_when_odd(client, tree, parameter):
    for value in ODD_NUMBERS:
        for url in [tree["catalogue"].url, tree["school_a"].url, "/search/"]:
            response = client.get(url, {parameter: value, "q": "梨树"})
            assert response.status_code == 200, (url, value)
        api = client.get("/api/v1/courses/", {parameter: value})
        assert api.status_code == 200 and api.json()["page"] == 1, value
