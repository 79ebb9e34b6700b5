"""Reading a workbook refuses cell formulas only: drop-down lists and conditional formats hold
formulas of their own, which every spreadsheet program keeps when it saves."""

import pytest
from django.utils import translation

from core.spreadsheets import ENCRYPTED_STREAM, OLE_MAGIC, SpreadsheetError, first_formula_cell, read_table

SHEET = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>%s</sheetData>%s</worksheet>"
)
DROP_DOWN = (
    '<dataValidations count="1"><dataValidation type="list" sqref="L2:L10000">'
    "<formula1>&quot;专业物业,单位自管,无物业&quot;</formula1></dataValidation></dataValidations>".encode()
)
CONDITIONAL = b'<conditionalFormatting sqref="A2:A9"><cfRule type="expression"><formula>A2&gt;1</formula></cfRule></conditionalFormatting>'
ROWS = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>'


def test_drop_down_lists_and_conditional_formats_are_not_formulas():
    assert first_formula_cell(SHEET % (ROWS, DROP_DOWN + CONDITIONAL)) is None


@pytest.mark.parametrize(
    "cells, where",
    [
        (b'<row r="3"><c r="A3"><v>1</v></c><c r="C3"><f>A3+1</f><v>2</v></c></row>', "C3"),
        (b'<row r="3"><c r="C3" s="1"><f aca="false">A3+1</f><v>2</v></c></row>', "C3"),  # LibreOffice
        (b'<row r="3"><c r="C3"><f t="shared" si="0"/><v>2</v></c></row>', "C3"),  # a shared formula
        (b'<x:row r="3"><x:c r="C3"><x:f>A3+1</x:f></x:c></x:row>', "C3"),  # a namespace prefix
        (b"<row><c><v>1</v></c><c><v>1</v></c><c><f>A3</f></c></row>", "C3"),  # no r="" at all
    ],
)
def test_a_cell_formula_is_found_at_its_cell(cells, where):
    assert first_formula_cell(SHEET % (ROWS + cells, DROP_DOWN)) == where


def refusal(data, name):
    with translation.override("zh-hans"), pytest.raises(SpreadsheetError) as raised:
        read_table(data, name, max_bytes=10**7, max_rows=100)
    return str(raised.value)


def test_an_old_xls_file_is_refused_saying_how_to_save_it_as_xlsx():
    message = refusal(OLE_MAGIC + b"\0" * 1024, "小区.xls")
    assert "旧版 .xls" in message and "另存为" in message and ".xlsx" in message
    assert "密码" not in message


def test_a_password_protected_workbook_is_refused_as_such():
    message = refusal(OLE_MAGIC + b"\0" * 64 + ENCRYPTED_STREAM + b"\0" * 64, "小区.xlsx")
    assert "密码" in message and ".xls" not in message
