"""The benchmark harness's pure logic: reading wrk's and py-spy's output, the PASS/FAIL
table and keeping the other steps' sections of RESULTS.md (no servers, no load)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench import profile, report, wrk

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8000/static/site.css
  4 threads and 32 connections
  1857 requests in 2.01s, 10.2MB read
Requests/sec:    923.50
WRK_JSON {"requests": 1857, "duration_us": 2010800, "bytes": 10695000, "errors": {"connect": 0, \
"read": 1, "write": 0, "status": 2, "timeout": 3}, "latency_us": {"p50": 27012, "p95": 200100, \
"p99": 258000, "max": 282345, "mean": 41000.5}}
"""


def test_wrk_result_from_the_done_line():
    result = wrk.parse_output(WRK_OUTPUT)
    assert result.requests == 1857
    assert result.rate == pytest.approx(1857 / 2.0108)
    assert (result.p50_ms, result.p99_ms, result.max_ms) == (27.012, 258.0, 282.345)
    assert result.error_count == 6
    assert result.errors_text() == "6 (read 1, status 2, timeout 3)"


def test_wrk_output_without_the_done_line_is_an_error():
    with pytest.raises(ValueError, match="WRK_JSON"):
        wrk.parse_output("Running 2s test @ http://127.0.0.1:8000/\n")


@pytest.mark.parametrize("value", ["plain", "a]", "x]=", '{"q": [["a"]]}', "]]=]]"])
def test_lua_strings_cannot_be_ended_early(value):
    literal = wrk.lua_string(value)
    opening = literal[: literal.index("[", 1) + 1]
    closing = opening.replace("[", "]")
    assert literal == opening + value + closing
    assert closing not in value + "]"  # the first closing bracket is the last one


def test_several_requests_are_sent_in_turn_and_one_as_wrks_own():
    one = wrk.script([wrk.Request("/a", "POST", "{}")], {"Content-Type": "application/json"})
    assert "request = function" not in one and "wrk.body = [[{}]]" in one
    assert "wrk.headers[ [[Content-Type]] ] = [[application/json]]" in one
    several = wrk.script([wrk.Request("/a"), wrk.Request("/b")], {})
    assert "request = function" in several and "[[/b]]" in several
    assert "done = function" in one and "done = function" in several


def test_verdict_fails_on_any_failed_check_and_ignores_recorded_ones():
    passed = report.Check("list: p99", "80 ms", "< 100 ms", True)
    failed = report.Check("provider: p99", "130 ms", "< 100 ms", False)
    recorded = report.Check("memory", "140 MiB", "", None)
    skipped = report.Check("PostgreSQL: ingest", "no server", "< 600 s", None)
    assert report.verdict([passed, recorded]) == "PASS"
    assert report.verdict([passed, failed, recorded]) == "FAIL"
    assert report.verdict([passed, skipped]) == "PASS (some SKIPPED)"
    rows = report.checks_table([failed, recorded, skipped])
    assert rows[2] == "| provider: p99 | 130 ms | < 100 ms | **FAIL** |"
    assert rows[3] == "| memory | 140 MiB | (recorded) | **—** |"
    assert rows[4].endswith("| **SKIPPED** |")


def test_a_step_rewrites_its_section_and_keeps_the_others(tmp_path: Path):
    results = tmp_path / "RESULTS.md"
    first = {
        "pages": ["## pages", "- run: `x`, 2026-01-01 10:00 UTC; load", "- result: **FAIL**"],
        "load": ["## load", "- result: **PASS**: 10 requests"],
    }
    report.write(first, ["# Benchmarks"], results)
    report.write({"pages": ["## pages", "- result: **PASS**"]}, ["# Benchmarks", "new"], results)
    text = results.read_text()
    sections = report.read_sections(text)
    assert sections["pages"] == "## pages\n- result: **PASS**\n"
    assert sections["load"] == "## load\n- result: **PASS**: 10 requests\n"
    assert text.startswith("# Benchmarks\nnew\n")
    assert "| PASS |" in text and "| PASS: 10 requests |" not in text


def test_collapsed_stacks_sum_own_and_cumulative_time():
    collapsed = "\n".join(
        [
            'process 12:"python -m uvicorn";run (app/x.py);render (jinja2/env.py) 6',
            'process 12:"python -m uvicorn";run (app/x.py);query (sqlalchemy/orm.py) 3',
            "run (app/x.py) 1",
        ]
    )
    entries, total = profile.summarise_collapsed(collapsed)
    assert total == 10
    by_name = {e.function: e for e in entries}
    assert not any(name.startswith("process") for name in by_name)
    assert by_name["run (app/x.py)"].cumulative == 1.0
    assert by_name["run (app/x.py)"].own == pytest.approx(0.1)
    assert profile.top(entries, "own", 1)[0].function == "render (jinja2/env.py)"


def test_a_saved_profile_reads_back_and_the_oldest_is_before(tmp_path: Path):
    entries, _ = profile.summarise_collapsed("a (m.py);b (n.py) 3\na (m.py) 1")
    p = profile.Profile("provider", "py-spy", entries, entries)
    text = profile.to_text(p, datetime(2026, 1, 1, tzinfo=UTC), "ctx")
    back, meta = profile.from_text(text)
    assert meta["context"] == "ctx" and back.by_own == p.by_own
    old = tmp_path / "20260101T000000-provider.txt"
    new = tmp_path / "20260201T000000-provider.txt"
    other = tmp_path / "20251201T000000-provider-render.txt"
    for path in (old, new, other):
        path.write_text(text)
    assert profile.before("provider", new, tmp_path) == old
    assert profile.before("provider", old, tmp_path) == new
    table = profile.before_after_md(back, p, n=2)
    assert table[2] == "| # | before | % | after | % |"
