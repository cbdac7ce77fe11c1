from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_settings


def test_defaults_need_no_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings({})
    assert s.home == tmp_path / "var"
    assert s.store_path == tmp_path / "var" / "store"
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


def test_relative_paths_in_the_file_are_relative_to_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One rule for paths: a configuration and what it names travel together, whatever the
    working folder of the process that reads it."""
    conf = tmp_path / "etc"
    conf.mkdir()
    (conf / "sohoa.toml").write_text(
        'home = "../srv/sohoa"\n[fields]\ntemplate_dirs = "mau:/abs/mau"\n'
        '[sign]\nprofiles_dir = "ho-so-ky"\ntrust_roots = "goc.pem"\n'
        '[watch]\nstations = "tram.toml"\n[store]\npath = "/kho"\n')
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    s = load_settings({"SOHOA_CONFIG": "../etc/sohoa.toml", "SOHOA_SIGN_PKI_DIR": "pki"})
    assert s.home == tmp_path / "srv" / "sohoa"
    assert s.home.is_absolute()
    assert s.fields.template_paths == [conf / "mau", Path("/abs/mau")]
    assert s.sign.profiles_path(s.home) == conf / "ho-so-ky"
    assert s.sign.trust_paths == [conf / "goc.pem"]
    assert s.watch.stations == str(conf / "tram.toml")
    assert s.store_path == Path("/kho")
    # From the environment: relative to the working folder of the reader.
    assert s.sign.pki_path(s.home) == elsewhere / "pki"


def test_home_is_absolute_even_when_built_in_code(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    from pipeline.config import Settings

    assert Settings(home=Path("kho")).home == tmp_path / "kho"
    assert load_settings({"SOHOA_HOME": "x"}).home == tmp_path / "x"
