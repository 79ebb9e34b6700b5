"""The error workbook's 错误 cell reads as one Chinese sentence, however its messages end."""

from core.imports import _joined


def test_a_rows_messages_are_one_sentence_without_doubled_stops():
    assert (
        _joined(["建成年份：不能小于1949。", "建筑面积：必须大于0"])
        == "建成年份：不能小于1949；建筑面积：必须大于0。"
    )


def test_a_row_without_messages_has_an_empty_cell():
    assert _joined([]) == ""
