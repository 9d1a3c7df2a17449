"""check_length on the cases the browser's composer is tested on too, and its reasons' wording."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from app.replies import LengthCheck, check_length

# The very cases frontend/src/compose/length.test.ts runs against the browser's copy.
CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "length_cases.json"
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"


def test_the_shared_file_has_the_cases_it_is_meant_to() -> None:
    conformance = [c for c in CASES if c["_source"].startswith("twitter/twitter-text")]
    assert len(conformance) >= 20
    assert {c["network"] for c in CASES} == {"x", "mastodon", "bluesky"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['network']}: {c['description']}" for c in CASES])
def test_shared_case(case: dict[str, Any]) -> None:
    check = check_length(
        case["network"], case["text"], mastodon_limit=case.get("mastodon_limit", 500),
        mastodon_url_length=case.get("mastodon_url_length", 23),
    )  # fmt: skip

    assert (check.length, check.valid) == (case["length"], case["valid"])
    assert check.network == case["network"]
    assert check.remaining == check.limit - check.length
    assert (check.reason is None) == case["valid"]


def test_says_how_far_over_xs_limit_a_reply_is() -> None:
    assert check_length("x", "a" * 318) == LengthCheck(
        network="x",
        length=318,
        limit=280,
        remaining=-38,
        valid=False,
        reason="38 characters over X's limit of 280 (URLs count 23 each)",
    )


def test_says_1_character_not_1_characters() -> None:
    assert (
        check_length("x", "a" * 281).reason
        == "1 character over X's limit of 280 (URLs count 23 each)"
    )
    assert check_length("bluesky", "a" * 301).reason == "1 character over Bluesky's limit of 300"


def test_gives_mastodons_limit_as_the_server_set_it() -> None:
    check = check_length("mastodon", "a" * 6_000, mastodon_limit=5_000)

    assert (check.limit, check.remaining) == (5_000, -1_000)
    assert check.reason == "1,000 characters over Mastodon's limit of 5,000 (URLs count 23 each)"
    assert check_length("mastodon", "a" * 501).limit == 500


def test_says_when_a_bluesky_reply_is_over_by_bytes_alone() -> None:
    check = check_length("bluesky", FAMILY * 121)

    assert (check.length, check.remaining) == (121, 179)
    assert check.reason == "Over Bluesky's 3,000-byte limit by 25 bytes"
    assert (
        check_length("bluesky", FAMILY * 120 + "a").reason
        == "Over Bluesky's 3,000-byte limit by 1 byte"
    )


def test_names_both_bluesky_limits_when_both_are_passed() -> None:
    assert (
        check_length("bluesky", "の" * 1_001).reason
        == "701 characters over Bluesky's limit of 300, and 3 bytes over its 3,000-byte limit"
    )


@pytest.mark.parametrize("network", ["x", "mastodon", "bluesky"])
@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u3000\u00a0"])
def test_calls_a_blank_reply_empty(network: str, text: str) -> None:
    check = check_length(network, text)

    assert not check.valid
    assert check.reason == "Empty reply"


def test_a_zero_width_space_is_not_blank_it_is_not_white_space() -> None:
    assert check_length("bluesky", "\u200b").reason is None


def test_names_the_character_x_refuses() -> None:
    assert check_length("x", "hello\ufeff").reason == "X does not accept the character U+FEFF"


def test_refuses_a_mastodon_limit_below_1_and_an_unknown_network() -> None:
    with pytest.raises(ValueError, match="mastodon_limit"):
        check_length("mastodon", "hi", mastodon_limit=0)
    with pytest.raises(ValueError, match="unknown network 'threads'"):
        check_length("threads", "hi")


def test_counts_x_without_setuptools_pkg_resources() -> None:
    # twitter-text-parser imports pkg_resources without declaring setuptools, which dropped it
    # in version 81: run the check in a fresh interpreter where it cannot be imported.
    script = textwrap.dedent(
        """
        import importlib.abc, sys

        class NoPkgResources(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "pkg_resources":
                    raise ModuleNotFoundError("No module named 'pkg_resources'")
                return None

        sys.meta_path.insert(0, NoPkgResources())
        from app.replies import check_length

        assert check_length("x", "H\\U0001F431\\u263a").length == 5
        assert check_length("mastodon", "@a@b.c https://example.com/long/path").length == 26
        assert "pkg_resources" not in sys.modules, "the stand-in outlived the import"
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
