"""Production start-up: only the server needs ACTAS_SECRET_KEY (the worker signs nothing), and
the metrics folder of several server processes is made and emptied at each start."""

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


def test_in_production_the_worker_runs_without_a_secret_key_but_the_server_does_not(
    tmp_path: Path,
) -> None:
    place = production(Place(tmp_path))
    ok(place.run("db", "migrate"))

    worker = place.run("worker", "--once")
    server = place.run("serve", "--port", "1")

    assert worker.returncode == 0, worker.stderr
    assert server.returncode == 1
    assert "ACTAS_SECRET_KEY is required to serve in production" in server.stderr


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
