"""jieba is loaded quietly: a clerk's terminal shows no dictionary-building messages."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from gongkai import segmentation


def test_the_shared_loader_silences_jiebas_logger():
    jieba = segmentation.jieba()
    assert logging.getLogger("jieba").level == logging.WARNING
    assert segmentation.dictionary() is jieba.dt and jieba.dt.initialized


def test_check_on_a_small_text_file_prints_nothing_on_stderr(tmp_path):
    src = tmp_path / "通知.txt"
    src.write_text("关于做好春节期间安全生产工作的通知\n各村委会：\n请认真贯切落实，推动大数局产业发展。"
                   "该户户主张三丰反映的问题已办结。\n", encoding="utf-8")
    # an empty temporary folder: jieba builds its dictionary cache afresh (its noisiest path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "gongkai", "check", str(src)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.returncode == 1, out.stderr  # findings were reported
    assert "贯切" in out.stdout
    assert out.stderr == ""
