"""Production start-up: the server and the worker need ACTAS_SECRET_KEY (the worker signs the
personal links in emails), other commands do not; the metrics folder of several server
processes is made and emptied at each start."""

from __future__ import annotations

from pathlib import Path

import pytest

from actas.api.cli import fresh_metrics_folder
from tests.schema.test_cli import Place, ok


def production(place: Place) -> Place:
    class Production(Place):
        @property
        def environ(self) -> dict[str, str]:
            return {**super().environ, "ACTAS_ENV": "production"}

    return Production(place.folder)


def test_in_production_neither_the_server_nor_the_worker_starts_without_a_secret_key(
    tmp_path: Path,
) -> None:
    place = production(Place(tmp_path))
    ok(place.run("db", "migrate"))  # signs nothing: needs no key

    worker = place.run("worker", "--once")
    server = place.run("serve", "--port", "1")

    for refused in (worker, server):
        assert refused.returncode == 1
        assert "ACTAS_SECRET_KEY is required in production" in refused.stderr


def test_the_metrics_folder_is_made_when_missing_and_emptied_at_each_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "run" / "actas-metrics"  # /run is emptied at boot
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))

    fresh_metrics_folder()
    assert folder.is_dir() and not any(folder.iterdir())
    (folder / "counter_123.db").write_bytes(b"figures of a process that has stopped")
    fresh_metrics_folder()
    assert not any(folder.iterdir())
