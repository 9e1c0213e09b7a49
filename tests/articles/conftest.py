"""The staff the workflow tests act as (roles from articles/roles.py)."""

import pytest

from tests.articles.workflow_helpers import staff_in


@pytest.fixture
def editor():
    return staff_in("Editor", "erin")


@pytest.fixture
def contributor():
    return staff_in("Contributor", "casey")
