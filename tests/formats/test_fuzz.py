"""Seeded fuzz of the readers (the mutators of benchmarks/fuzz.py, a few seconds' worth): every
mutated package is read or refused with a Chinese reason; no exception escapes, none reaches
the catch-all, every file is accounted for once (issue 18)."""

from __future__ import annotations

import importlib.util
import json
import random
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from gongkai.formats import UnreadableDocument, iter_sources, read_bytes, read_source
from gongkai.models import ReadError
from gongkai.output import to_json_line

FUZZ = Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz.py"
COUNT = 120
#: Words of zlib, zipfile and libxml2 messages that must never reach a clerk.
ENGLISH = re.compile(r"Error|error|XML_PARSE_HUGE|CRC-32|line \d|Bad |File is not|invalid|Premature")


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("gongkai_fuzz", FUZZ)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mutated(fuzz, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    return folder, fuzz.corpus(folder, COUNT, seed=20261206)


def test_the_corpus_covers_every_mutation(mutated, fuzz):
    _, made = mutated
    assert set(made.values()) == set(fuzz.MUTATORS) | {"mixed"}


def test_every_mutated_package_is_read_or_refused_with_a_chinese_reason(mutated):
    folder, made = mutated
    started = time.monotonic()
    outcomes = Counter()
    for name in sorted(made):
        try:
            read_bytes((folder / name).read_bytes(), name)
            outcomes["read"] += 1
        except UnreadableDocument as exc:
            outcomes[exc.code] += 1
            assert exc.message and not ENGLISH.search(exc.message), (name, made[name], exc.message)
    assert outcomes["read"] and outcomes["unreadable"]  # the mutations both spare and break packages
    assert time.monotonic() - started < 60


def test_every_mutated_file_is_accounted_for_once_in_the_json(mutated):
    folder, made = mutated
    seen = Counter()
    for item in iter_sources([folder]):
        result = item if isinstance(item, ReadError) else read_source(item)
        if isinstance(result, ReadError):
            assert "读取程序出错" not in result.message, (result.file, result.message)  # no unmapped exception
            record = json.loads(to_json_line(result, False))
            assert record["error"]["code"] == result.code
            seen[Path(record["file"]).name] += 1
        else:
            seen[Path(result.path).name] += 1
    assert seen == Counter({name: 1 for name in made})


def test_the_mutators_are_seeded(fuzz):
    base = fuzz.seeds()[0]
    assert fuzz.mutate(random.Random(7), base) == fuzz.mutate(random.Random(7), base)
