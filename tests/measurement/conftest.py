import pytest
from django.contrib.auth.models import User

from tests.measurement.book import Book, build


@pytest.fixture
def book(owner: User, other_owner: User, leader: User) -> Book:
    return build(owner, other_owner, leader)
