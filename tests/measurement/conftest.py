import pytest

from tests.measurement.book import Book, build


@pytest.fixture
def book(owner, other_owner, leader) -> Book:  # type: ignore[no-untyped-def]
    return build(owner, other_owner, leader)
