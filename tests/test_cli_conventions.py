"""Small conventions every command keeps: `--version --json`, usage errors exit 2 (check-image
too), `--json` on plugins, config and spec lint, and init.d entries that are not run get a
warning and a row in the init summary."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from tests.conftest import PaiEnv

REPO = Path(__file__).resolve().parents[1]


def test_version_json(pai: PaiEnv) -> None:
    import pai_runtime

    res = pai.run("--version", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["name"] == "pai-runtime" and data["version"] == pai_runtime.__version__
    assert data["python"] == ".".join(map(str, sys.version_info[:3])) and data["frozen"] is False
    assert pai.run("--version").stdout.strip() == f"pai-runtime, version {pai_runtime.__version__}"


@pytest.mark.parametrize("args", [["check-image"], ["check-image", "busybox", "--bogus"],
                                  ["check-image", "busybox", "--deadline", "abc"],
                                  ["check-image", "busybox", "--username", "u"]])
def test_check_image_usage_errors_exit_2(pai: PaiEnv, args: list[str]) -> None:
    res = pai.run(*args)
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "Traceback" not in res.stderr and res.stderr.strip()


def test_plugins_json(pai: PaiEnv) -> None:
    init_d = pai.work / "init.d"
    init_d.mkdir()
    (init_d / "10-fetch").write_text("#!/bin/sh\n")
    (init_d / "10-fetch").chmod(0o755)
    (init_d / "20-setup.sh").write_text("#!/bin/sh\n")
    (init_d / "20-setup.sh").chmod(0o755)
    res = pai.run("plugins", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    builtins = {p["name"]: p for p in data["initPlugins"]["builtin"]}
    assert "barrier" in builtins and builtins["barrier"]["module"] == "pai_runtime.initplugins.barrier"
    assert [p["name"] for p in data["initPlugins"]["spec"]["plugins"]][:1] == ["barrier"]
    assert data["initScripts"]["run"] == ["10-fetch"]
    assert data["initScripts"]["skipped"] == [{"name": "20-setup.sh", "why": "name has a character other than "
                                               "letters, digits, _ and -"}]
    names = {p["name"] for p in data["runtimePlugins"]}
    assert {"cmd", "ssh", "git"} <= names
    assert all(p["source"] for p in data["runtimePlugins"])


def test_config_json_redacts_secrets(pai: PaiEnv) -> None:
    (pai.config / "secrets.yaml").write_text("token: s3cr3t-value-xyz\n")
    res = pai.run("config", "--json", env={"RUNTIME_CONFIG": "commands: ['echo <% $secrets.token %>']",
                                           "INIT_CONFIG": "initPlugins: [{name: render, builtin: render}]"})
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["paths"]["PAI_WORK_DIR"] == str(pai.work)
    assert data["initConfig"]["source"] == "INIT_CONFIG"
    assert data["runtimeConfig"]["commands"]
    assert "s3cr3t-value-xyz" not in res.stdout


def test_spec_lint_json(pai: PaiEnv, tmp_path: Path) -> None:
    res = pai.run("spec", "lint", "--json", str(REPO / "specs" / "runtime-exit-spec.yaml"))
    data = json.loads(res.stdout)
    assert res.returncode == (1 if data["findings"] else 0)
    assert data["valid"] is True and data["file"].endswith("runtime-exit-spec.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- containerExitCode: 221\n  patterns: [{userLogRegex: 'a'}]\n- containerExitCode: 222\n"
                   "  patterns: [{userLogRegex: 'a'}]\n")
    res = pai.run("spec", "lint", "--json", str(bad))
    data = json.loads(res.stdout)
    assert res.returncode == 1 and data["findings"] and all(isinstance(f["message"], str) for f in data["findings"])
    broken = tmp_path / "broken.yaml"
    broken.write_text("- patterns: []\n")
    res = pai.run("spec", "lint", "--json", str(broken))
    data = json.loads(res.stdout)
    assert res.returncode == 247 and data["valid"] is False and "containerExitCode" in data["error"]


def test_init_d_entries_not_run_are_warned_about_and_listed_in_the_summary(pai: PaiEnv) -> None:
    init_d = pai.work / "init.d"
    init_d.mkdir()
    ok = init_d / "10-ok"
    ok.write_text("#!/bin/sh\necho ran-10-ok\n")
    ok.chmod(0o755)
    dotted = init_d / "20-setup.sh"
    dotted.write_text("#!/bin/sh\necho ran-setup\n")
    dotted.chmod(0o755)
    plain = init_d / "30-noexec"
    plain.write_text("#!/bin/sh\necho ran-noexec\n")
    plain.chmod(0o644)
    (init_d / "..data").mkdir()  # a ConfigMap mount's own entries stay silent
    res = pai.run("init", env={"INIT_CONFIG": "initPlugins: [{name: render, builtin: render}]",
                               "RUNTIME_CONFIG": "commands: ['true']", "PAI_LOG_FORMAT": "json"})
    assert res.returncode == 0, res.stderr
    records = [json.loads(ln) for ln in res.stderr.splitlines() if ln.startswith("{")]
    warnings = [r for r in records if r.get("level") == "warning" and "init.d" in r.get("event", "")]
    assert {Path(w["file"]).name for w in warnings} == {"20-setup.sh", "30-noexec"}
    why = {Path(w["file"]).name: w["why"] for w in warnings}
    assert "chmod +x" in why["30-noexec"] and "letters, digits" in why["20-setup.sh"]
    summary = next(r for r in records if "summary" in r)["summary"]
    verdicts = {row["plugin"]: row["verdict"] for row in summary}
    assert verdicts["10-ok"] == "passed"
    assert verdicts["20-setup.sh"] == verdicts["30-noexec"] == "skipped"
    assert not (stat.S_IMODE(os.stat(plain).st_mode) & 0o111)
