from __future__ import annotations

import pytest

from tests.registry.world import RegistryWorld, build


@pytest.fixture
def registry_world(db: None) -> RegistryWorld:
    return build()
