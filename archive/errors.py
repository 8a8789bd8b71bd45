"""The archive's one expected failure: it cannot be built as asked (the message says why).

ArchiveError
├── shell.ShellError             mkdocs failed, or the theme's layout changed
└── search.SearchIndexError      Pagefind failed
"""

from __future__ import annotations


class ArchiveError(RuntimeError):
    pass
