#!/usr/bin/env bash
# What docs/ci/publish-archive.yml does, on one machine: export the decisions where the database
# is, build the archive where it is not, publish it to a static host. Tried end to end by
# tests/archive/test_ci_script.py; run it by hand to try a change of the workflow.
#
#   ACTAS_DATABASE_URL=sqlite:///srv/actas/actas.sqlite3 ORGANISATION=brisa \
#   SITE_URL=https://decisions.example.org/ STATE_DIR=/var/lib/archive-build \
#   PUBLISH_DIR=/srv/www/decisions docs/ci/publish-archive.sh
#
# ORGANISATION      the organisation's slug
# SITE_URL          where PUBLISH_DIR is served (citations, permalinks, feed, sitemap)
# STATE_DIR         kept from one run to the next (the workflow's cache): the last build, so a
#                   run renders only what changed; losing it costs one full build, nothing else
# PUBLISH_DIR       the static host's folder (the workflow: an rsync target, a bucket, Pages)
# AUDIENCE          public (default) or organisation (then protect the host: see the README)
# EXPECT_DECISIONS  fail below this many decisions, leaving the published site as it was (1)
set -euo pipefail
: "${ORGANISATION:?}" "${SITE_URL:?}" "${STATE_DIR:?}" "${PUBLISH_DIR:?}"
AUDIENCE=${AUDIENCE:-public}
EXPECT_DECISIONS=${EXPECT_DECISIONS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$STATE_DIR" "$PUBLISH_DIR" "$work/build"

echo "== export (the only step that reads the database)"
actas export -o "$ORGANISATION" --audience "$AUDIENCE" --output "$work/decisions.json" \
  --expect-decisions "$EXPECT_DECISIONS"

echo "== build (no ACTAS_ setting, no database: as the workflow's build job)"
unset_actas=()
for name in $(compgen -e); do
  [[ $name == ACTAS_* ]] && unset_actas+=(-u "$name")
done
(cd "$work/build" && env "${unset_actas[@]}" actas archive build --from "$work/decisions.json" \
  --output "$STATE_DIR/site" --site-url "$SITE_URL" --expect-decisions "$EXPECT_DECISIONS")
if [ -n "$(ls -A "$work/build")" ]; then
  echo "error: the build from a file left files behind (a database?): $(ls -A "$work/build")" >&2
  exit 1
fi

echo "== publish (everything but the build's own state, .actas/; the export as open data)"
rsync -a --delete --exclude=/.actas/ --exclude=/decisions.json "$STATE_DIR/site/" "$PUBLISH_DIR/"
if [ "$AUDIENCE" = public ]; then
  cp "$work/decisions.json" "$PUBLISH_DIR/decisions.json"
else
  rm -f "$PUBLISH_DIR/decisions.json"  # a members' export is not open data
fi
echo "Published $SITE_URL from $PUBLISH_DIR"
