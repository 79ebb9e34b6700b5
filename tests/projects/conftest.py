"""Builders of import files: the template's headers and rows that pass unless a test spoils them."""

import pytest

from core.spreadsheets import write_csv, write_xlsx
from projects.registry.importers import CompoundImporter

HEADERS = [column.header for column in CompoundImporter.columns]


def compound_row(code="IM-001", name="华光路小区", community=("张店区", "车站街道", "华光路社区"), **changes):
    row = {
        "区县": community[0], "街道（镇）": community[1], "社区": community[2], "小区编码": code, "小区名称": name,
        "地址": "华光路58号", "建成年份": 1995, "建筑面积（平方米）": 35800.5, "楼栋数": 6, "户数": 216, "最高层数": 6,
        "物业管理": "无物业", "产权来源": "房改房", "棚户区改造范围": "否", "自建房": "否", "入库状态": "储备",
        "经度": 118.0549, "纬度": 36.8132, "备注": "",
    }  # fmt: skip
    row.update(changes)
    return [row[h] for h in HEADERS]


@pytest.fixture
def xlsx():
    def make(*rows, headers=HEADERS):
        return write_xlsx(headers, rows)

    return make


@pytest.fixture
def csv_bytes():
    def make(*rows, headers=HEADERS, encoding="utf-8-sig"):
        return write_csv(headers, rows).decode("utf-8-sig").encode(encoding)

    return make


@pytest.fixture
def zibo_policy(world):
    from tests.factories import city_policy

    return city_policy(world.city)
