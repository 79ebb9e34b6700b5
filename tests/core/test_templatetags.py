def test_an_audit_change_reads_as_old_to_new_whatever_its_shape():
    from core.templatetags.portal import change_text

    assert change_text(["华光路", "华光路小区"]) == "华光路 → 华光路小区"
    assert change_text([None, "2026-04-09"]) == "— → 2026-04-09"
    # A child record's own changes, or a value recorded once: never split into characters.
    assert (
        change_text({"quantity": ["1.00", "2.00"], "note": ["", "加装"]})
        == "quantity: 1.00 → 2.00；note: — → 加装"
    )
    assert change_text("施工现场围挡不完整") == "施工现场围挡不完整"
    assert change_text(["楼道堆物（2026-07-01）"]) == "楼道堆物（2026-07-01）"
