"""The "did you mean" word comes from the best-ranked result when several are alike, the same in every process."""

import pytest

from search.analysis import words
from search.selectors import spelling_suggestion

PROCESSING = "农产品加工技术培训"
HIRING = "家庭农场雇工管理"


@pytest.mark.django_db  # the dictionary holds the words staff added
@pytest.mark.parametrize(("texts", "expected"), [([PROCESSING, HIRING], "加工"), ([HIRING, PROCESSING], "雇工")])
def test_the_best_ranked_results_word_is_suggested(texts, expected):
    assert {"加工", "雇工"} <= set(words(PROCESSING + HIRING, search_mode=True)), "the cut these cases assume"
    assert spelling_suggestion("焊工", texts) == expected
