from common.text import shortened_list


def test_a_short_list_is_shown_whole():
    assert shortened_list(["区经信局", "区水利局"]) == "区经信局、区水利局"


def test_a_long_list_shows_its_first_five_and_an_ellipsis():
    assert shortened_list([f"项目{i}" for i in range(1, 8)]) == "项目1、项目2、项目3、项目4、项目5…"


def test_exactly_the_limit_has_no_ellipsis():
    assert shortened_list(range(3), limit=3) == "0、1、2"


def test_items_are_shown_as_text():
    class Unit:
        def __str__(self):
            return "市智慧办"

    assert shortened_list([Unit(), Unit()], limit=1) == "市智慧办…"
