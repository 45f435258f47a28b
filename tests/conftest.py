import pytest

from tests.factories import provider_page, site_tree


@pytest.fixture
def tree(db):
    """The catalogue skeleton: home, catalogue and two schools."""
    home, catalogue = site_tree()
    school_a = provider_page(catalogue, "罗庄子镇成人文化技术学校")
    school_b = provider_page(catalogue, "蓟州区老年大学", kind="elderly_university")
    return {"home": home, "catalogue": catalogue, "school_a": school_a, "school_b": school_b}
