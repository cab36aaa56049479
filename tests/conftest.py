"""The suite keeps hypothesis examples in a cache of its own, not the user's ~/.cache."""
import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_example_cache(tmp_path_factory):
    os.environ["AUTOGRADER_CACHE"] = str(tmp_path_factory.mktemp("example-cache"))
