"""Loading exit specs: both formats, every validation error of the issue, lint, and init
installing the spec (a bad one fails init with 247 naming entry and pattern)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pai_runtime.errors import ConfigError
from pai_runtime.exitspec import lint, spec

REPO = Path(__file__).resolve().parent.parent
OPENPAI_JOB_SPEC = REPO.parent / "shared" / "reference" / "openpai-job-exit-spec.yaml"
DEFAULT_SPEC = REPO / "specs" / "runtime-exit-spec.yaml"


def load(text: str) -> spec.ExitSpec:
    return spec.load_text(text, "test.yaml")


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as exc:
        load(text)
    assert exc.value.code == 247
    return exc.value.line()


# -- formats -----------------------------------------------------------------------------
def test_runtime_list_format():
    s = load("- containerExitCode: 220\n  phrase: UserCommandExitWithError\n  patterns:\n"
             "  - exitCode: 127\n    userLogRegex: '(?i)command not found'\n"
             "- containerExitCode: 128\n  patterns:\n  - gpuInfo: {nvidiaDoubleEccError: true}\n")
    assert [e.code for e in s.entries] == [220, 128]
    p = s.entries[0].patterns[0]
    assert (p.exit_code, p.user_log_regex, p.platform_log_regex, p.gpu_ecc) == (127, "(?i)command not found",
                                                                                  None, None)
    assert s.entries[1].patterns[0].gpu_ecc is True
    assert s.default_code == 255 and s.phrase(255) == "PAIRuntimeUnknownFailed"
    assert s.phrase(220) == "UserCommandExitWithError"


def test_mapping_format_with_default_exit_code():
    s = load("defaultExitCode: 241\ndefaultPhrase: Unrecognised\nentries:\n- containerExitCode: 137\n"
             "  patterns: [{exitCode: 137}]\n")
    assert s.default_code == 241 and s.phrase(241) == "Unrecognised"
    assert [e.code for e in s.entries] == [137]


def test_openpai_job_spec_file_loads_directly():
    s = spec.load_file(OPENPAI_JOB_SPEC)
    assert s.format == "openpai-job"
    codes = [e.code for e in s.entries]
    # derived like OpenPAI's runtime template: positive codes with runtime patterns, in file order
    assert codes[0] == 128 and codes[-1] == 249
    assert codes == sorted(codes)
    assert {130, 137, 143, 220, 221, 226, 229, 232, 235} <= set(codes)
    assert not {250, 251, 252, 253, 254, 255, 0, 256} & set(codes)
    by_code = {e.code: e for e in s.entries}
    assert len(by_code[229].patterns) == 13
    ssh = by_code[249].patterns[0]
    assert (ssh.exit_code, ssh.platform_log_regex) == (10, "SSH barrier reaches max retry count")
    assert s.phrase(255) == "PAIRuntimeUnknownFailed" and s.phrase(254) == "ContainerImageNotExists"
    assert s.default_code == 255


def render_openpai_runtime_template(job_spec: Path) -> str:
    """What OpenPAI's ``runtime-exit-spec.yaml.template`` (microsoft/pai) renders from a job
    exit spec: positive codes with runtime patterns, regexes in single quotes, and
    ``nvidiaDoubleEccError: 'True'`` (a Python bool rendered into a quoted string)."""
    out = []
    for item in yaml.safe_load(job_spec.read_text())["spec"]:
        runtime = (item.get("pattern") or {}).get("runtimeContainerPatterns")
        if item["code"] <= 0 or runtime is None:
            continue
        out.append(f"- containerExitCode: {item['code']}\n  patterns:")
        for p in runtime:
            out.append("  -")
            if "exitCode" in p:
                out.append(f"    exitCode: {p['exitCode']}")
            for key in ("userLogRegex", "platformLogRegex"):
                if key in p:
                    out.append(f"    {key}: '{p[key]}'")
            if "gpuInfo" in p:
                out.append(f"    gpuInfo:\n      nvidiaDoubleEccError: '{p['gpuInfo']['nvidiaDoubleEccError']}'")
    return "\n".join(out) + "\n"


def test_openpai_rendered_runtime_spec_loads_like_the_job_spec():
    """The runtime spec an OpenPAI cluster already has (its ConfigMap) loads, and means the
    same as the job exit spec it was rendered from."""
    rendered = load(render_openpai_runtime_template(OPENPAI_JOB_SPEC))
    direct = spec.load_file(OPENPAI_JOB_SPEC)
    assert [(e.code, [p.fields() for p in e.patterns]) for e in rendered.entries] == \
        [(e.code, [p.fields() for p in e.patterns]) for e in direct.entries]
    assert rendered.entries[0].patterns[0].gpu_ecc is True


def test_typical_operator_runtime_spec_loads():
    s = spec.load_file(REPO / "tests" / "data" / "exitspec" / "operator-runtime-exit-spec.yaml")
    assert [e.code for e in s.entries] == [128, 137, 143, 240, 241, 221]
    assert s.entries[0].patterns[0].gpu_ecc is True
    assert s.entries[3].patterns[0].fields() == {"exitCode": 1, "userLogRegex": "(?i)connection to the feature "
                                                 "store timed out", "platformLogRegex": "storage plugin: mounted"}
    assert s.entries[4].patterns[1].gpu_ecc is False
    assert [p.exit_code for p in s.entries[5].patterns] == [None, 1]


def test_job_spec_entries_with_non_positive_codes_are_not_runtime_entries():
    s = load("spec:\n- code: 0\n  phrase: Succeeded\n  pattern:\n    runtimeContainerPatterns:\n"
             "    - exitCode: 0\n- code: -1000\n  phrase: PodEvicted\n  pattern:\n"
             "    runtimeContainerPatterns:\n    - exitCode: 1\n- code: 137\n  phrase: K\n  pattern:\n"
             "    runtimeContainerPatterns:\n    - exitCode: 137\n")
    assert [e.code for e in s.entries] == [137]


def test_default_spec_has_openpai_codes_and_phrases():
    ours = spec.load_file(DEFAULT_SPEC)
    theirs = spec.load_file(OPENPAI_JOB_SPEC)
    for e in ours.entries:
        if e.code == 236:
            assert e.phrase == "PAIRuntimeRunningThresholdExceeded" and e.patterns == ()
            continue
        if e.code in range(237, 246) or e.code == 129:  # ours (129: SIGHUP), no OpenPAI meaning to keep
            assert theirs.phrase(e.code) is None and e.behavior in spec.BEHAVIORS, e.code
            continue
        assert theirs.phrase(e.code) == e.phrase, e.code
        # every OpenPAI code keeps its rerun behavior
        assert e.behavior == theirs.behavior(e.code), (e.code, e.behavior, theirs.behavior(e.code))
    assert {e.code for e in theirs.entries} <= {e.code for e in ours.entries}


def test_dump_round_trips():
    s = spec.load_file(OPENPAI_JOB_SPEC)
    again = load(spec.dump(s))
    assert [(e.code, e.phrase, e.patterns and e.patterns[0].fields()) for e in again.entries] == \
        [(e.code, e.phrase, e.patterns and e.patterns[0].fields()) for e in s.entries]
    assert again.phrase(255) == "PAIRuntimeUnknownFailed" and again.phrase(253) == "ContainerPortConflict"


@pytest.mark.parametrize("source", [DEFAULT_SPEC, OPENPAI_JOB_SPEC,
                                    REPO / "tests" / "data" / "exitspec" / "operator-runtime-exit-spec.yaml"])
def test_installed_copy_is_json_and_yaml_of_the_same_spec(source):
    """init's copy is read without a YAML parser in the job container; YAML readers (people,
    older runtimes) see the same data."""
    original = spec.load_file(source)
    text = spec.dump_installed(original)
    assert f"from {source}" in text.splitlines()[0]
    fast = spec._from_json(text, "copy")
    assert fast is not None
    assert fast.to_data() == original.to_data() and fast.phrases == original.phrases
    assert yaml.safe_load(text) == json.loads("".join(ln for ln in text.splitlines(True) if not ln.startswith("#")))


def test_installed_copy_escapes_what_yaml_would_read_differently():
    odd = "a\x85b\u2028c\u2029d\x7f\ufeff🙂é\\\"q"
    s = spec.Pattern(0, 1, odd)
    one = spec.ExitSpec(entries=[spec.Entry(0, 230, None, (s,))], source="t")
    text = spec.dump_installed(one)
    assert yaml.safe_load(text)["entries"][0]["patterns"][0]["userLogRegex"] == odd
    assert spec.load_text(text, "t").entries[0].patterns[0].user_log_regex == odd


def test_json_specs_with_errors_are_reported_by_the_yaml_parser_with_their_line():
    bad = '{\n "entries": [\n  {"containerExitCode": 230,\n   "patterns": [{"userLogRegex": "a("}]}\n ]\n}\n'
    assert "line 4" in error_of(bad)
    dup = '{"entries": [], "entries": []}\n'
    assert "duplicate key" in error_of(dup)


# -- bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, needles", [
    ("containerExitCode: 220\n", ["must be a list", "a dict"]),
    ("", ["must be a list", "empty"]),
    ("'just text'\n", ["must be a list"]),
    ("- patterns: [{exitCode: 1}]\n", ["entry 0 has no containerExitCode", "line 1"]),
    ("- containerExitCode: 300\n  patterns: []\n", ["300 is outside 1-255", "line 1"]),
    ("- containerExitCode: -1\n  patterns: []\n", ["outside 1-255"]),
    ("- containerExitCode: 0\n  patterns: []\n", ["0 would report a failure as success"]),
    ("- containerExitCode: 210\n  patterns: []\n", ["reserved range 200-219"]),
    ("- containerExitCode: 'x'\n  patterns: []\n", ["must be an integer"]),
    ("- containerExitCode: 230\n  patterns:\n  - userLogRegex: 'a(b'\n",
     ["entry 0 (code 230), pattern 0", "userLogRegex 'a(b'", "does not compile as RE2", "line 3"]),
    ("- containerExitCode: 230\n  patterns:\n  - {exitCode: 1}\n  - platformLogRegex: '(?<=x)y'\n",
     ["pattern 1", "platformLogRegex", "RE2", "line 4"]),
    ("- containerExitCode: 230\n  patterns:\n  - userLogRegex: '(a)\\1'\n", ["does not compile as RE2"]),
    ("- containerExitCode: 230\n  patterns:\n  -\n", ["pattern 0 is empty (null)", "match every failure"]),
    ("- containerExitCode: 230\n  patterns:\n  - userlogRegex: x\n", ["unknown field 'userlogRegex'",
                                                                      "did you mean 'userLogRegex'"]),
    ("- containerExitCode: 230\n  patterns:\n  - exitCode: 256\n", ["exitCode must be an integer 0-255"]),
    ("- containerExitCode: 230\n  patterns:\n  - gpuInfo: {nvidiaDoubleEccError: 'yes'}\n",
     ["nvidiaDoubleEccError must be true or false", "line 3"]),
    ("- containerExitCode: 230\n  patterns:\n  - gpuInfo: {nvidiaDoubleEccError: 1}\n",
     ["nvidiaDoubleEccError must be true or false"]),
    ("- containerExitCode: 230\n  patterns: {exitCode: 1}\n", ["patterns must be a list"]),
    ("defaultExitCode: 205\nentries: []\n", ["defaultExitCode 205", "reserved"]),
    ("spec:\n- code: 226\n  phrase: X\n  pattern:\n    runtimeContainerPatterns:\n    - userLogRegex: '[a'\n",
     ["spec[0].pattern.runtimeContainerPatterns[0].userLogRegex", "does not compile"]),
    ("spec:\n- code: 215\n  phrase: X\n  pattern:\n    runtimeContainerPatterns:\n    - exitCode: 1\n",
     ["spec entry 0 (X): code 215", "reserved"]),
])
def test_bad_specs_are_rejected_with_entry_and_pattern(text, needles):
    line = error_of(text)
    assert line.startswith("test.yaml"), line
    for n in needles:
        assert n in line, (n, line)


def test_unreadable_spec_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the exit spec"):
        spec.load_file(tmp_path / "missing.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        spec.load_file(tmp_path / "bin.yaml")


# -- lint --------------------------------------------------------------------------------
def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.message) for f in lint.lint(load(text))]


def test_lint_finds_openpai_unescaped_literals():
    findings = lint.lint(spec.load_file(OPENPAI_JOB_SPEC))
    literal = [f for f in findings if f.kind == "literal"]
    texts = " ".join(f.message for f in literal)
    assert "`(2)`" in texts and "`[errno 2]`" in texts and "`()`" in texts
    assert len(literal) == 3
    # every regex-only pattern of 221-235 fires on any exit code
    anyfail = {f.subject.split(",")[0] for f in findings if f.kind == "any-failure"}
    assert len(anyfail) == 14


@pytest.mark.parametrize("regex, smelly", [
    ("cuda runtime error (2) : out of memory", True),
    ("[errno 2] no such file", True),
    ("dynamic_rnn() got", True),
    ("\\[WARNING\\] x", False),
    ("[WARNING] x", True),
    ("(not found|cannot find)", False),
    ("(ab)+", False),
    ("(?i)foo", False),
    ("(?:x)", False),
    ("[0-9]+ errors", False),
    ("[Ee]rror", False),
    ("\\(2\\)", False),
    ("(\\d+)", False),
])
def test_literal_smells(regex, smelly):
    assert bool(lint.literal_smells(regex)) is smelly, lint.literal_smells(regex)


def test_lint_any_failure_and_empty_match():
    k = kinds("- containerExitCode: 230\n  patterns:\n  - userLogRegex: '.*'\n"
              "- containerExitCode: 231\n  patterns:\n  - userLogRegex: 'boom'\n"
              "- containerExitCode: 232\n  patterns:\n  - {exitCode: 1, userLogRegex: 'boom'}\n"
              "- containerExitCode: 233\n  patterns:\n  - {}\n")
    assert ("empty-match", "'.*' matches the empty string, so it matches every log") in k
    any_failure = [m for kind, m in k if kind == "any-failure"]
    assert sum("matches every failure" in m for m in any_failure) == 2  # '.*' and {}
    assert sum("fires on any failing exit code" in m for m in any_failure) == 1  # "boom" without exitCode


def test_lint_shadowed_entries():
    findings = lint.lint(load(
        "- containerExitCode: 137\n  patterns: [{exitCode: 137}]\n"
        "- containerExitCode: 230\n  patterns:\n  - {exitCode: 137, userLogRegex: 'Killed'}\n"
        "- containerExitCode: 231\n  patterns:\n  - {exitCode: 1, userLogRegex: 'a'}\n  - {exitCode: 137}\n"
        "- containerExitCode: 232\n  patterns:\n  - {exitCode: 1, userLogRegex: 'b'}\n"))
    shadow = [f for f in findings if f.kind == "shadowed"]
    assert len(shadow) == 2
    assert shadow[0].subject == "entry 1 (code 230)" and "can never match: entry 0 (code 137)" in shadow[0].message
    assert shadow[1].subject == "entry 2 (code 231), pattern 1" and "can never decide" in shadow[1].message


def test_default_spec_lints_clean():
    assert lint.lint(spec.load_file(DEFAULT_SPEC)) == []


# -- init installs the spec -------------------------------------------------------------
RENDER_ONLY = "initPlugins:\n- name: render\n  builtin: render\n"


def test_init_installs_default_spec(pai):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "commands: ['true']\n"})
    assert r.returncode == 0, r.stderr
    installed = pai.runtime_dir / "runtime-exit-spec.yaml"
    data = yaml.safe_load(installed.read_text())
    assert data["defaultExitCode"] == 255
    assert [e["containerExitCode"] for e in data["entries"]][:2] == [128, 223]  # GPU fact, ECC in log
    assert "exit spec installed" in r.stderr


def test_init_uses_config_dir_then_runtime_config_exit_spec(pai):
    (pai.config / "runtime-exit-spec.yaml").write_text(OPENPAI_JOB_SPEC.read_text())
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "commands: ['true']\n"})
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load((pai.runtime_dir / "runtime-exit-spec.yaml").read_text())
    assert data["entries"][-1]["containerExitCode"] == 249
    assert "openpai-job" in (pai.runtime_dir / "runtime-exit-spec.yaml").read_text()
    (pai.config / "mine.yaml").write_text("- containerExitCode: 233\n  patterns: [{exitCode: 7}]\n")
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY,
                             "RUNTIME_CONFIG": "commands: ['true']\nexitSpec: mine.yaml\n"})
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load((pai.runtime_dir / "runtime-exit-spec.yaml").read_text())
    assert [e["containerExitCode"] for e in data["entries"]] == [233]


def test_init_rejects_bad_spec_with_247(pai):
    (pai.config / "runtime-exit-spec.yaml").write_text(
        "- containerExitCode: 226\n  patterns:\n  - {exitCode: 1}\n  - userLogRegex: 'out of (memory'\n")
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "commands: ['true']\n"})
    assert r.returncode == 247, r.stderr
    assert "Traceback" not in r.stderr
    line = next(ln for ln in r.stderr.splitlines() if '"init failed"' in ln)
    for needle in ("runtime-exit-spec.yaml line 4", "entry 0 (code 226), pattern 1", "out of (memory", "RE2"):
        assert needle in line, (needle, line)
    assert not pai.runtime_dir.exists()


def test_init_rejects_missing_configured_spec(pai):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY,
                             "RUNTIME_CONFIG": "commands: ['true']\nexitSpec: /nope/spec.yaml\n"})
    assert r.returncode == 247
    line = next(ln for ln in r.stderr.splitlines() if '"init failed"' in ln)
    assert "RUNTIME_CONFIG (env) line 2" in line and "/nope/spec.yaml" in line


# -- retry advice and the user's own code ------------------------------------------------
def test_behavior_and_reason_are_validated():
    s = load("- containerExitCode: 238\n  behavior: transient\n  reason: a peer died\n  patterns: [{exitCode: 1}]\n")
    assert (s.entries[0].behavior, s.entries[0].reason, s.behavior(238)) == ("TRANSIENT", "a peer died", "TRANSIENT")
    with pytest.raises(ConfigError) as e:
        load("- containerExitCode: 238\n  behavior: TRANSIANT\n  patterns: [{exitCode: 1}]\n")
    assert "behavior 'TRANSIANT' is not one of" in e.value.line() and "did you mean TRANSIENT?" in e.value.line()
    assert "line 2" in e.value.line()
    with pytest.raises(ConfigError) as e:
        load("- containerExitCode: 238\n  reason: [a, b]\n  patterns: []\n")
    assert "reason must be a string" in e.value.line()
    with pytest.raises(ConfigError) as e:
        load("{passThroughExitCodes: 'yes', entries: []}\n")
    assert "passThroughExitCodes must be true or false" in e.value.line()


@pytest.mark.parametrize("user_code, expected", [(42, 42), (1, 1), (127, 127), (195, 195), (150, 255), (205, 255),
                                                 (230, 255)])
def test_pass_through_keeps_an_unmatched_user_code_outside_the_platforms_ranges(user_code, expected):
    s = load("{passThroughExitCodes: true, entries: [{containerExitCode: 226, patterns: [{exitCode: 7}]}]}\n")
    from pai_runtime.exitspec.classify import classify
    from pai_runtime.exitspec.logtail import LogTail

    v = classify(s, user_code, LogTail(), LogTail(), lambda: None)
    assert v.exit_code == expected
    assert v.behavior == "UNKNOWN"
    assert classify(load("{entries: []}\n"), 42, LogTail(), LogTail(), lambda: None).exit_code == 255  # default off
    assert spec.load_text(spec.dump_installed(s), "installed").pass_through  # init's copy keeps the setting
