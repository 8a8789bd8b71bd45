"""What typed event payloads cost beside the plain JSON they replace, per event type.

    python bench/payloads.py [--runs 20000]

For one payload of every event type (the samples of ``tests/api/test_payloads.py``): loading its
stored JSON with orjson (what readers did before), ``payloads.read`` of the same text (orjson
plus building the typed object), and ``to_payload()`` (what recording adds before the hash).
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable
from functools import partial
from pathlib import Path

import orjson
from scratch import print_rows

from actas.api.domain import payloads

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the samples live in the tests
from tests.api.test_payloads import SAMPLES


def microseconds(runs: int, call: Callable[[], object]) -> float:
    return timeit.timeit(call, number=runs) / runs * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000)
    runs = parser.parse_args().runs
    rows = [("event type", "orjson.loads / payloads.read / to_payload, µs")]
    totals = [0.0, 0.0, 0.0]
    for payload, recorded in SAMPLES:
        kind, text = payload.event_type.value, orjson.dumps(recorded)
        figures = [
            microseconds(runs, partial(orjson.loads, text)),
            microseconds(runs, partial(payloads.read, kind, text)),
            microseconds(runs, payload.to_payload),
        ]
        totals = [t + f for t, f in zip(totals, figures, strict=True)]
        rows.append((kind, " / ".join(f"{f:.1f}" for f in figures)))
    mean = [t / len(SAMPLES) for t in totals]
    rows.append(("mean of every type", " / ".join(f"{f:.1f}" for f in mean)))
    print_rows(rows)


if __name__ == "__main__":
    main()
