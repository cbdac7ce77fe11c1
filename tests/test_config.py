from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_settings


def test_defaults_need_no_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings({})
    assert s.home == Path("var")
    assert s.store_path == Path("var/store")
    assert s.ocr.languages == "vie"
    assert s.timezone == "Asia/Ho_Chi_Minh"


def test_environment_overrides_file(tmp_path: Path) -> None:
    cfg = tmp_path / "sohoa.toml"
    cfg.write_text('home = "/data"\n[ocr]\nlanguages = "vie+eng"\ndpi = 200\n'
                   '[watch]\npolling = true\n')
    s = load_settings({"SOHOA_CONFIG": str(cfg), "SOHOA_OCR_DPI": "400"})
    assert s.home == Path("/data")
    assert s.ocr.languages == "vie+eng"
    assert s.ocr.dpi == 400
    assert s.watch.polling is True


def test_bad_values_are_refused_in_vietnamese(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="không hợp lệ"):
        load_settings({"SOHOA_OCR_DPI": "nhiều"})
    cfg = tmp_path / "x.toml"
    cfg.write_text("[ocr]\nlangauges = 'vie'\n")
    with pytest.raises(ConfigError, match="langauges"):
        load_settings({}, config_file=cfg)
