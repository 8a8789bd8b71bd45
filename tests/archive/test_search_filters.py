"""Pagefind's filter files, made deterministic: Pagefind writes a filter's values in a hash
map's order, different on every run; the archive writes them again in order, so indexing the
same documents twice gives the same bundle, byte for byte, and the filters still read back."""

from __future__ import annotations

import hashlib
from pathlib import Path

from actas.archive import search
from tests.archive.conftest import Built


def digest(bundle: Path) -> str:
    found = hashlib.sha256()
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        found.update(str(path.relative_to(bundle)).encode() + b"\0" + path.read_bytes())
    return found.hexdigest()


def test_indexing_the_same_documents_twice_gives_the_same_bundle(
    site: Built, tmp_path: Path
) -> None:
    documents = site.path / ".actas" / "search" / "brisa-0"
    bundles = [tmp_path / str(run) for run in range(3)]
    for bundle in bundles:
        search.index_shard(documents, bundle)

    assert len({digest(bundle) for bundle in bundles}) == 1
    assert digest(bundles[0]) == digest(site.path / "pagefind" / "brisa-0")


def test_a_filter_file_holds_its_values_in_order_and_the_metadata_names_it(site: Built) -> None:
    bundle = site.path / "pagefind" / "brisa-0"
    (meta,) = bundle.glob("pagefind.*.pf_meta")
    listed = search._read(meta)[3]
    files = {path.stem: search._read(path) for path in (bundle / "filter").glob("*.pf_filter")}

    assert [name for name, _ in listed] == ["outcome", "tag", "unit", "year"]
    assert sorted(chunk for _, chunk in listed) == sorted(files)
    for name, chunk in listed:
        filter_name, values = files[chunk]
        assert filter_name == name
        assert [value for value, _ in values] == sorted(value for value, _ in values)
    assert meta.stem.split(".")[1] in (bundle / "pagefind-entry.json").read_text()
