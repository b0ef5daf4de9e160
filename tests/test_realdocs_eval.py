"""The matching and counting of benchmarks/realdocs_eval.py, on synthetic labels and documents.

Nothing here reads ../shared: the labels and texts are written to tmp_path.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "realdocs_eval.py"
_spec = importlib.util.spec_from_file_location("realdocs_eval", SCRIPT)
ev = importlib.util.module_from_spec(_spec)
sys.modules["realdocs_eval"] = ev  # dataclasses look their module up there
_spec.loader.exec_module(ev)

DRAFT = """勺米镇人民政府关于做好春耕备耕工作的通知
各村（社区）：
申请人王德贵，联系电话13885811234，住址勺米镇某村一组。请各村把工作布署到位。
截止3月底，全镇完成备耕面积三千亩。
勺米镇人民政府
2025年3月5日"""


def cur(rule, para, start, end, text="", severity="error", part="body"):
    """A finding as the report JSON gives it."""
    return {"rule": rule, "severity": severity, "text": text,
            "location": {"part": part, "paragraph": para, "start": start, "end": end}}


def lab(rule, para, start, end, verdict, text="", part="body", severity="error"):
    return {"rule": rule, "part": part, "paragraph": para, "start": start, "end": end,
            "severity": severity, "text": text, "verdict": verdict, "reason": "test"}


def miss(fam, para, quote, personal=False):
    return {"family": fam, "rule": "", "paragraph": para, "quote": quote, "what": "w", "fix": "f",
            "severity": "warning", "personal_data": personal}


def evaluate(findings, labels, misses=(), paragraphs=None, chars=10_000):
    res = ev.Result()
    label = {"file": "x.txt", "chars": chars, "findings": list(labels), "misses": list(misses)}
    ev.evaluate_file(res, label, {"findings": list(findings)}, paragraphs or {})
    return res, ev.summary(res)


def test_a_finding_takes_the_verdict_of_the_label_at_its_exact_place():
    pairs, left = ev.match([cur("D108", 2, 3, 6, "王**")], [lab("D108", 2, 3, 6, "fp", "王**")])
    assert pairs[0][1]["verdict"] == "fp" and left == []


def test_a_finding_whose_offsets_moved_matches_on_rule_paragraph_and_text():
    pairs, left = ev.match([cur("T101", 2, 40, 42, "布署")], [lab("T101", 2, 39, 41, "tp", "布署")])
    assert pairs[0][1]["verdict"] == "tp" and left == []


def test_a_label_of_another_rule_or_paragraph_does_not_match():
    pairs, left = ev.match([cur("T101", 2, 39, 41, "布署")],
                           [lab("T110", 2, 39, 41, "tp", "布署"), lab("T101", 3, 39, 41, "tp", "布署")])
    assert pairs[0][1] is None and len(left) == 2


def test_one_label_pairs_with_one_finding_only():
    pairs, _ = ev.match([cur("P101", 1, 0, 1, "，"), cur("P101", 1, 0, 1, "，")], [lab("P101", 1, 0, 1, "tp", "，")])
    assert [lab is not None for _, lab in pairs] == [True, False]


def test_counts_per_family_and_error_precision():
    findings = [cur("D108", 2, 3, 6, "王**"), cur("D102", 2, 11, 22, "138****1234"),
                cur("T101", 2, 39, 41, "布署", "warning"), cur("A101", 0, 0, 20), cur("P105", 3, 0, 2, "截止", "warning")]
    labels = [lab("D108", 2, 3, 6, "fp", "王**"), lab("D102", 2, 11, 22, "tp", "138****1234"),
              lab("T101", 2, 39, 41, "tp", "布署"), lab("A101", 0, 0, 20, "debatable")]
    _, s = evaluate(findings, labels, chars=5_000)
    d, t, a, p = s["families"]["D"], s["families"]["T"], s["families"]["A"], s["families"]["P"]
    assert (d["findings"], d["tp"], d["fp"], d["error_precision"]) == (2, 1, 1, 0.5)
    assert d["fp_per_10k"] == 2.0  # one false alarm in 5,000 characters
    assert (t["tp"], t["error_precision"]) == (1, None)  # a warning is not in error-level precision
    assert (a["debatable"], a["tp"], a["fp"], a["error_precision"]) == (1, 0, 0, None)
    assert p["unjudged"] == 1
    tot = s["total"]
    assert (tot["findings"], tot["tp"], tot["fp"], tot["debatable"], tot["unjudged"]) == (5, 2, 1, 1, 1)
    assert tot["error_precision"] == 0.5 and s["debatable_by_rule"] == {"A101": 1}


def test_a_labelled_true_finding_no_longer_reported_is_lost():
    _, s = evaluate([], [lab("T101", 2, 39, 41, "tp", "布署"), lab("D108", 2, 3, 6, "fp", "王**")])
    assert s["families"]["T"]["lost"] == 1 and s["total"]["lost"] == 1
    assert [x["rule"] for x in s["lost"]] == ["T101"]  # a false alarm that went away is not lost


def test_fp_per_10k_uses_the_labelled_characters_of_every_file():
    res = ev.Result()
    for name, n_fp in (("a.txt", 1), ("b.txt", 0)):
        label = {"file": name, "chars": 2_500, "findings": [lab("D108", 0, 0, 2, "fp", "王*")] * n_fp, "misses": []}
        ev.evaluate_file(res, label, {"findings": [cur("D108", 0, 0, 2, "王*")] * n_fp}, {})
    s = ev.summary(res)
    assert s["chars"] == 5_000 and s["total"]["fp_per_10k"] == 2.0


PARAS = {("body", 3): "截止3月底，全镇完成备耕面积三千亩。", ("body", 2): "申请人王德贵，联系电话13885811234，住址"}


def test_a_miss_is_caught_by_an_overlapping_finding_of_its_family():
    m = miss("T", 3, "截止")
    _, caught = evaluate([cur("T101", 3, 0, 2, "截止", "warning")], [], [m], PARAS)
    assert caught["families"]["T"]["caught"] == 1 and caught["missed"] == []
    _, other_family = evaluate([cur("P101", 3, 0, 2, "截止")], [], [m], PARAS)
    _, elsewhere = evaluate([cur("T101", 3, 6, 8, "全镇", "warning")], [], [m], PARAS)
    _, other_para = evaluate([cur("T101", 2, 0, 2, "申请", "warning")], [], [m], PARAS)
    for s in (other_family, elsewhere, other_para):
        assert (s["families"]["T"]["caught"], s["families"]["T"]["misses"], len(s["missed"])) == (0, 1, 1)


def test_a_personal_data_miss_spans_the_value_after_its_quote():
    m = miss("D", 2, "联系电话", personal=True)
    _, s = evaluate([cur("D102", 2, 11, 22, "138****1234")], [], [m], PARAS)
    assert s["families"]["D"]["caught"] == 1
    assert s["personal_data"] == {"caught": 1, "labelled": 1}
    _, after = evaluate([cur("D109", 2, 23, 25, "住址")], [], [m], PARAS)  # past the comma: another value
    assert after["personal_data"] == {"caught": 0, "labelled": 1}


def test_any_d_miss_spans_the_value_after_its_quote_but_only_personal_ones_count_as_exposures():
    _, s = evaluate([cur("D102", 2, 11, 22, "138****1234", "info")], [], [miss("D", 2, "联系电话")], PARAS)
    assert s["families"]["D"]["caught"] == 1 and s["personal_data"] == {"caught": 0, "labelled": 0}


def test_personal_data_exposures_count_true_d_findings_and_personal_misses():
    findings = [cur("D102", 2, 11, 22, "138****1234")]
    labels = [lab("D102", 2, 11, 22, "tp", "138****1234"), lab("D101", 2, 0, 18, "tp", "5202**")]
    _, s = evaluate(findings, labels, [miss("D", 2, "联系电话", personal=True), miss("T", 3, "截止")], PARAS)
    # exposures: the ID (lost) and the miss at 联系电话, caught by the phone; the phone finding
    # stands on that miss, so it is the same exposure and is not counted a second time
    assert s["personal_data"] == {"caught": 1, "labelled": 2}


def test_a_miss_whose_quote_is_not_in_its_paragraph_is_reported_and_not_caught():
    _, s = evaluate([cur("T101", 3, 0, 2, "截止")], [], [miss("T", 3, "按照按照")], PARAS)
    assert s["families"]["T"]["caught"] == 0 and s["quotes_not_found"][0]["quote"] == "按照按照"


def test_load_labels_filters_by_file_glob_and_rejects_an_unknown_verdict(tmp_path):
    for stem in ("sh-001", "pt-201001-1"):
        (tmp_path / f"{stem}.json").write_text(json.dumps({"file": f"{stem}.txt", "findings": [], "misses": []}))
    assert [x["file"] for x in ev.load_labels(tmp_path, "sh-*")] == ["sh-001.txt"]
    assert len(ev.load_labels(tmp_path)) == 2
    (tmp_path / "sh-002.json").write_text(json.dumps({"file": "sh-002.txt", "findings": [lab("A101", 0, 0, 1, "maybe")]}))
    with pytest.raises(ValueError):
        ev.load_labels(tmp_path, "sh-*")


def test_a_finding_judged_after_the_freeze_keeps_its_own_judged_at_and_counts_like_the_others(tmp_path):
    later = {**lab("P109", 3, 0, 4, "tp", "特此通知", severity="warning"), "judged_at": "abc1234"}
    body = {"file": "sh-001.txt", "judged_at": "389855f", "findings": [lab("T101", 3, 5, 7, "fp", "截止"), later],
            "misses": []}
    (tmp_path / "sh-001.json").write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    loaded = ev.load_labels(tmp_path)[0]
    assert loaded["findings"][1]["judged_at"] == "abc1234"
    res = ev.Result()
    ev.evaluate_file(res, loaded, {"findings": [cur("P109", 3, 0, 4, "特此通知", "warning"),
                                                cur("T101", 3, 5, 7, "截止", "warning")]}, {})
    s = ev.summary(res)
    assert (s["total"]["tp"], s["total"]["fp"], s["total"]["unjudged"]) == (1, 1, 0)


@pytest.fixture
def corpus(tmp_path):
    """A data dir with one synthetic draft and labels judged on the tool's own current output."""
    data, labels = tmp_path / "data", tmp_path / "labels"
    data.mkdir()
    labels.mkdir()
    (data / "d-001.txt").write_text(DRAFT, encoding="utf-8")
    report = ev.report_dict(ev.check_documents([ev.read_path(data / "d-001.txt")])[0])
    return data, labels, report["findings"]


def write_label(labels: Path, findings: list[dict], misses: list[dict]) -> None:
    body = {"file": "d-001.txt", "judged_at": "test", "line_breaks": "kept", "chars": 10_000,
            "findings": findings, "misses": misses}
    (labels / "d-001.json").write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")


def test_run_on_a_data_dir_matches_the_tool_output_to_its_labels(corpus):
    data, labels, found = corpus
    assert len(found) >= 3
    judged = [lab(f["rule"], f["location"]["paragraph"], f["location"]["start"], f["location"]["end"],
                  "tp", f["text"], severity=f["severity"]) for f in found[1:]]
    judged[0]["verdict"] = "fp"
    ghost = lab("T101", 2, 0, 2, "tp", "申请")  # a true finding the tool no longer reports
    write_label(labels, judged + [ghost], [miss("D", 2, "联系电话", personal=True)])
    s = ev.summary(ev.run(data, ev.load_labels(labels)))
    tot = s["total"]
    assert tot["findings"] == len(found)
    assert (tot["tp"], tot["fp"], tot["unjudged"], tot["lost"]) == (len(found) - 2, 1, 1, 1)
    assert tot["fp_per_10k"] == 1.0
    assert s["unjudged"][0]["rule"] == found[0]["rule"] and s["lost"][0]["text"] == "申请"
    line = DRAFT.splitlines()[2]
    span = ev.miss_span(line, miss("D", 2, "联系电话", personal=True))
    phone_found = any(f["rule"].startswith("D") and f["location"]["paragraph"] == 2 and ev.overlaps(f, span)
                      for f in found)
    # true D findings still reported, except one standing on the labelled miss (the same exposure)
    on_miss = [j for j in judged if j["rule"].startswith("D") and j["paragraph"] == 2 and ev.overlaps(
        {"location": {"start": j["start"], "end": j["end"]}}, span)]
    true_d = sum(j["verdict"] == "tp" and j["rule"].startswith("D") for j in judged if j not in on_miss)
    assert s["personal_data"] == {"caught": true_d + int(phone_found), "labelled": true_d + 1}


def test_the_command_prints_figures_and_fails_clearly_without_data(corpus, capsys, tmp_path):
    data, labels, found = corpus
    write_label(labels, [], [])
    assert ev.main(["--data", str(data), "--labels", str(labels), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"]["unjudged"] == len(found) and out["files"] == 1
    assert ev.main(["--data", str(data), "--labels", str(labels), "--list"]) == 0
    text = capsys.readouterr().out
    assert "unjudged findings:" in text and "debatable" in text
    assert ev.main(["--data", str(tmp_path / "nowhere"), "--labels", str(labels)]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_a_label_whose_document_is_missing_or_unreadable_fails_with_one_line(corpus, capsys):
    data, labels, _ = corpus
    write_label(labels, [], [])
    (data / "d-001.txt").write_text("  \n", encoding="utf-8")  # no text at all: unreadable
    assert ev.main(["--data", str(data), "--labels", str(labels)]) == 2
    assert "d-001.txt" in capsys.readouterr().err
    (data / "d-001.txt").unlink()
    assert ev.main(["--data", str(data), "--labels", str(labels)]) == 2
    err = capsys.readouterr().err
    assert "d-001.txt" in err and len(err.strip().splitlines()) == 1
