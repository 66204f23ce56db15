

def test_check_with_bce_on_a_saturated_output_has_no_symbolic_column_instead_of_a_traceback(
    tmp_path, capsys
):
    """out = 1.0 exactly: the lambdified BCE gradient divides by 1 − out; the engine clips."""
    path = tmp_path / "net.toml"
    path.write_text(
        network_text("sigmoid", "bce", "[0.5, 0.5]", weights="weights = [[1e6, 1e6], [1, 1]]"),
        encoding="utf-8",
    )
    main(["check", "--network", str(path)])
    out, err = capsys.readouterr()
    assert err == ""
    assert "symbolic column absent: SymPy's gradient divides by zero" in out
