"""What ``pip install -e .`` (no extras) must bring for every feature the README promises."""

from __future__ import annotations

from importlib.metadata import requires

from packaging.requirements import Requirement


def runtime_requirements() -> set[str]:
    return {
        requirement.name
        for requirement in map(Requirement, requires("actas") or [])
        if requirement.marker is None  # extras (``[test]``) carry a marker
    }


def test_the_server_can_speak_websocket_without_the_test_extras() -> None:
    # Without a websocket library uvicorn refuses every upgrade: no live updates at all.
    assert {"uvicorn", "websockets"} <= runtime_requirements()


def test_the_worker_and_the_archive_need_nothing_beyond_the_runtime_install() -> None:
    assert {"aiosmtplib", "httpx", "mkdocs-material", "pagefind", "nh3"} <= runtime_requirements()
