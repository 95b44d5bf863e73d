"""`kori demo` step 7: the register's health check and a pseudonymised extract (issue 15)."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest


@pytest.mark.slow  # the duplicate search: 5 to 15 s
def test_demo_step_7(sample_dir, tmp_path, capsys):
    from cli import Settings, _demo_register

    for name in ("register.csv", "loyalty_visits.csv"):
        shutil.copy(sample_dir / name, tmp_path / name)
    _demo_register(Settings(), tmp_path, dt.date(2025, 11, 30), seed=1)
    err = capsys.readouterr().err
    assert "7. The customer register" in err
    assert "health 97/100 over 3,323 records" in err and "from " + str(tmp_path) in err
    assert "to do: delete or anonymise 65 records past the 5-year retention" in err
    findings = pd.read_csv(tmp_path / "register_findings.csv")
    assert len(findings) == 862
    assert "<html" in (tmp_path / "register.html").read_text(encoding="utf-8")
    extract = pd.read_csv(tmp_path / "visits_pseudonymised.csv", dtype=str)
    visits = pd.read_csv(tmp_path / "loyalty_visits.csv", dtype=str)
    assert len(extract) == len(visits) and extract["customer_id"].str.match(r"^P[0-9a-f]{16}$").all()
    assert not set(extract["customer_id"]) & set(visits["customer_id"])
    key = (tmp_path / "demo.key").read_bytes()
    _demo_register(Settings(), tmp_path, dt.date(2025, 11, 30), seed=1)  # the same run again
    assert (tmp_path / "demo.key").read_bytes() == key
    assert pd.read_csv(tmp_path / "visits_pseudonymised.csv", dtype=str).equals(extract)
