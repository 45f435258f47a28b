import pytest

from tests.activities.factories import event_page


@pytest.fixture
def make_event(tree):
    def build(*, provider=None, **fields):
        return event_page(provider or tree["school_a"], **fields)

    return build
