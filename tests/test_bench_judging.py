"""The bench never passes a read target on a run whose requests failed."""

from __future__ import annotations

import pytest

from bench.http_load import LoadResult
from bench.report import Report
from bench.run import _judge, _read_figures

SIZES = ["small", "large"]


def answered(*latencies_ms: float, status: int = 200) -> LoadResult:
    return LoadResult(latencies_s=[ms / 1000 for ms in latencies_ms],
                      statuses={status: len(latencies_ms)})


def judged(report: Report) -> dict[str, str]:
    _judge(report, SIZES)
    return {target.name: target.status for target in report.targets}


def test_reads_that_all_succeeded_are_figures_and_judged() -> None:
    report = Report({}, {})
    for size, ms in (("small", 10.0), ("large", 12.0)):
        for label in ("GET balances", "GET entitlements"):
            assert _read_figures(report, size, label, answered(ms, ms, ms))
    targets = judged(report)
    assert targets["GET balances p99 [small]"] == "PASS"
    assert targets["GET entitlements p99 growth small->large"] == "PASS"  # 1.2x


@pytest.mark.parametrize("failing", [
    LoadResult(unanswered=3, errors=["ConnectionRefusedError(111)"] * 3),  # server gone
    answered(1.0, 1.0, status=503),  # fast refusals
    LoadResult(),  # nothing sent at all
], ids=["unanswered", "refused", "empty"])
def test_reads_with_failures_are_no_figures_and_miss(
    failing: LoadResult, capsys: pytest.CaptureFixture[str]
) -> None:
    report = Report({}, {})
    for label in ("GET balances", "GET entitlements"):
        assert _read_figures(report, "small", label, answered(10.0, 10.0))
        assert not _read_figures(report, "large", label, failing)
    assert report.value("GET balances p99", "large") is None
    targets = judged(report)
    for read in ("GET balances p99", "GET entitlements p99"):
        assert targets[f"{read} [small]"] == "PASS"
        assert targets[f"{read} [large]"] == "MISS"
        assert targets[f"{read} growth small->large"] == "MISS"
    if failing.requests or failing.unanswered:
        assert "requests failed" in capsys.readouterr().err


def test_a_run_counts_unanswered_and_refused_requests_as_failed() -> None:
    result = answered(1.0, 2.0)
    result.statuses[409] = 2
    result.unanswered = 3
    assert result.failed == 5
