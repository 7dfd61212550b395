"""Research exports: a site's de-identified dataset for researchers (issue 13 item 6, DOMAIN §18).

``dataset`` builds each table (one function per table) from the site's
records, applying core.research's rules; ``package`` writes the tables as
CSV and Parquet with their data dictionary into one zip; ``actions`` requests
an export, runs it (as a django-tasks task, ``tasks``) with its progress, and
removes expired files; ``access`` says who may see and download an export:
researchers and administrators of the site, nobody else.
"""
