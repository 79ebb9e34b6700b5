"""import_data / export_data from the command line."""

import pytest
from django.core.management import call_command

from projects.models import Building, Compound
from tests.factories import compound_in
from tests.projects.conftest import compound_row


def test_dry_run_prints_the_summary_and_saves_nothing(world, xlsx, tmp_path, capsys):
    path = tmp_path / "c.xlsx"
    path.write_bytes(xlsx(compound_row("C-1")))
    call_command("import_data", "compounds", str(path), "--as", "clerk_a")
    assert "new 1, updated 0, unchanged 0, rejected 0 of 1 rows" in capsys.readouterr().out
    assert not Compound.objects.exists()


def test_commit_saves(world, xlsx, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(xlsx(compound_row("C-1")))
    call_command("import_data", "compounds", str(path), "--as", "clerk_a", "--commit")
    assert Compound.objects.filter(code="C-1").exists()


def test_rejected_rows_are_printed_and_the_exit_status_is_not_zero(world, xlsx, tmp_path, capsys):
    path = tmp_path / "c.xlsx"
    path.write_bytes(xlsx(compound_row("C-1"), compound_row("C-2", 楼栋数=0)))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", "compounds", str(path), "--as", "clerk_a", "--commit")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "row 3\t楼栋数\t" in out
    assert not Compound.objects.exists()


def test_export_then_import_changes_nothing(world, tmp_path, capsys):
    compound_in(world.community_a, code="C-1", name="华光路小区")
    compound_in(world.community_a, code="", name="无编码小区")
    out = tmp_path / "all.csv"
    call_command("export_data", "compounds", "--as", "clerk_a", "--out", str(out))
    call_command("import_data", "compounds", str(out), "--as", "clerk_a")
    assert "new 0, updated 0, unchanged 2, rejected 0 of 2 rows" in capsys.readouterr().out


def test_buildings_import_by_compound_code(world, xlsx, tmp_path):
    from core.spreadsheets import write_xlsx
    from projects.registry.importers import BuildingImporter

    compound_in(world.community_a, code="C-1")
    headers = [c.header for c in BuildingImporter.columns]
    path = tmp_path / "b.xlsx"
    path.write_bytes(
        write_xlsx(headers, [["C-1", "1号楼", 6, 2, 24, 1995, "无"], ["C-1", "2号楼", 7, 2, 28, 1996, "有"]])
    )
    call_command("import_data", "buildings", str(path), "--as", "clerk_a", "--commit")
    assert sorted(Building.objects.values_list("number", "has_lift")) == [("1号楼", False), ("2号楼", True)]
