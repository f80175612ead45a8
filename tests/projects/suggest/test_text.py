import pytest

from projects.suggest.text import NAME_REPEAT, bigrams, document, fold, name_key, topic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("培训人次", "培训人次"),
        ("2020年 培训人次", "培训人次"),
        ("２０２１年度培训人次（人次）", "培训人次人次"),
        ("<p>验收合格率</p>", "p验收合格率p".replace("p", "")),
        ("Rate of 合格", "rateof合格"),
        ("", ""),
    ],
)
def test_name_key_folds_years_width_and_punctuation(text, expected):
    assert name_key(text) == expected


@pytest.mark.parametrize(
    ("level2", "expected"),
    [("数量", "数量"), ("数量指标", "数量"), ("满意度目标", "满意度"), ("指标", "指标"), ("社会效益指标", "社会效益")],
)
def test_topic_meets_across_frameworks(level2, expected):
    assert topic(level2) == expected


def test_bigrams_per_part_and_lone_characters():
    assert bigrams("监督检测 站") == {"监督": 1, "督检": 1, "检测": 1, "站": 1}


def test_document_repeats_the_name_and_caps_the_narratives():
    text = document("监督检测", "概况" * 1000, "依据" * 1000)
    parts = text.split()
    assert parts[:NAME_REPEAT] == ["监督检测"] * NAME_REPEAT
    assert len(text) < 1000
    assert fold("  ") == "" and document("", "", "") == ""
