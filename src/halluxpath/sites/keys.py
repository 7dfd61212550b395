"""Each site's de-identification key (DOMAIN §18: the keyed hash is kept at the site).

The default site keeps the installation's existing key file (``deid_key``) so
UIDs remapped before sites existed stay the same; every other site gets its
own key file under the data directory, made on first use.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from halluxpath.config import load_or_create_secret_key
from halluxpath.sites.models import Site, is_default


def deid_key_path(site: Site) -> Path:
    data_dir = Path(settings.DATA_DIR)
    if is_default(site):
        return data_dir / "deid_key"
    return data_dir / "sites" / site.slug / "deid_key"


def deid_key(site: Site) -> bytes:
    return load_or_create_secret_key(deid_key_path(site)).encode("ascii")
