"""Pages make the same number of queries however many bulletins there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletins import services
from tests.helpers import make_bulletin


def make_many(author, sectors, reader, count):
    made = []
    for number in range(count):
        bulletin = make_bulletin(
            author,
            title=f"Bulletin {number}",
            sectors=sectors,
            action_required=number % 2 == 0,
            key_points=["One", "Two"],
        )
        if number % 3 == 0:
            services.acknowledge_bulletin(bulletin, reader)
        made.append(bulletin)
    return made


def count_queries(client, url) -> int:
    client.get(url)  # warm the caches (threat levels, session)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/bulletins/", "/", "/bulletins/search/?q=bulletin"])
def test_a_page_of_many_bulletins_costs_no_more_queries_than_one(
    url, client, isl, ncpp_officer, retail, transport, django_assert_num_queries
):
    make_many(ncpp_officer, [retail, transport], isl, 1)
    client.force_login(isl)
    with_one = count_queries(client, url)
    make_many(ncpp_officer, [retail, transport], isl, 49)
    client.get(url)
    with django_assert_num_queries(with_one):
        client.get(url)


def test_a_bulletin_page_costs_the_same_with_one_or_fifty_bulletins(
    client, isl, ncpp_officer, retail, transport, django_assert_num_queries
):
    first = make_many(ncpp_officer, [retail, transport], isl, 1)[0]
    client.force_login(isl)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get(first.get_absolute_url())
    last = make_many(ncpp_officer, [retail, transport], isl, 49)[-1]
    with django_assert_num_queries(len(queries)):
        client.get(last.get_absolute_url())
