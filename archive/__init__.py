"""The decision archive: closed decisions published as a searchable static site.

collect   reads what an audience may see from the database, as plain data (``data``)
render    turns plain data into HTML, JSON, Atom, SVG and XML text (pure; Jinja + one
          sanitiser, ``sanitise``)
shell     has mkdocs-material build the site's shell: theme assets, about and search pages,
          and the frames every rendered page is set into
search    indexes decisions with Pagefind, in shards
build     plans an (incremental) build and is the only module that writes files
"""
