"""The archive's expected failures: it cannot be built or exported as asked (the message says
why). Each is raised before the output is touched, except a failing tool's.

ArchiveError
├── TooFewDecisions              fewer decisions than the caller expects (``expect_decisions``)
├── export.ExportFileError       a file that is not a readable export of this version
├── shell.ShellError             mkdocs failed, or the theme's layout changed
└── search.SearchIndexError      Pagefind failed
"""

from __future__ import annotations


class ArchiveError(RuntimeError):
    pass


class TooFewDecisions(ArchiveError):
    pass
