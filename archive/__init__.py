"""The decision archive: closed decisions published as a searchable static site.

collect    reads what an audience may see from the database; ``shape`` makes it plain data
           (``data``)
changes    stamps each decision cheaply, so a build reads only those that may have changed
render     turns plain data into HTML, JSON, Atom, SVG and XML text (pure; Jinja + one
           sanitiser, ``sanitise``)
shell      has mkdocs-material build the site's shell: theme assets, about and search pages,
           and the frames every rendered page is set into
indexes    the pages and files made from every decision's summary
search     indexes decisions with Pagefind, in shards
build      the order of a build (``options``: what it is asked and tells); ``decisions``
           decides per decision what to read and render, ``workers`` render in processes
output     the only module that writes files
"""
