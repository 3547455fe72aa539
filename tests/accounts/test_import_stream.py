"""The usage stream (PostgreSQL: rows go to a temporary table while the file is read)
and the general path must accept, refuse and store exactly the same things."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.importer import ImportFailed, evidence_import, service
from accounts.importer.readers import SourceError, read_objects, read_path
from accounts.importer.service import write_rejects
from accounts.importer.validate import plain_usage_block, plain_usage_line
from accounts.importer.writers import UsageStream
from accounts.models import Account, UsageDaily

pytestmark = pytest.mark.django_db
WriteFile = Callable[[str, str | bytes], Path]
ACCOUNT = '{"type": "account", "external_id": "a", "name": "A"}\n'
PATHS = pytest.mark.parametrize("fast", [True, False], ids=["stream", "portable"])


def usage(day: int, value: float = 1, **more: object) -> str:
    extra = "".join(f', "{k}": {v!r}'.replace("'", '"') for k, v in more.items())
    date = (dt.date(2026, 1, 1) + dt.timedelta(days=day)).isoformat()
    return f'{{"type": "usage", "account": "a", "metric": "m", "value": {value}, "date": "{date}"{extra}}}\n'


def skip_unless_possible(fast: bool) -> None:
    if fast and connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")


def usage_tuples_written() -> int:
    """Row versions this transaction wrote to the usage table (PostgreSQL's own count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables WHERE relname = %s",
            [UsageDaily._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@PATHS
def test_a_bad_last_line_of_a_large_file_leaves_nothing_written(write_file: WriteFile, fast: bool) -> None:
    skip_unless_possible(fast)
    lines = [ACCOUNT] + [usage(day) for day in range(20_000)]
    lines.append(usage(20_000).replace('"value": 1', '"value": -3'))
    path = write_file("big.jsonl", "".join(lines))

    with pytest.raises(ImportFailed) as failed:
        evidence_import(sources=[read_path(path)], fast_usage=fast)

    assert failed.value.result.error_lines() == ["20002: value: must not be negative (got -3)"]
    assert not Account.objects.exists()
    assert not UsageDaily.objects.exists()


@PATHS
def test_an_unknown_account_on_any_line_is_named_and_nothing_is_written(write_file: WriteFile, fast: bool) -> None:
    skip_unless_possible(fast)
    lines = [ACCOUNT] + [usage(day) for day in range(3000)]
    lines.append(usage(3000).replace('"account": "a"', '"account": "nope"'))
    path = write_file("refs.jsonl", "".join(lines))

    with pytest.raises(ImportFailed) as failed:
        evidence_import(sources=[read_path(path)], fast_usage=fast)

    assert failed.value.result.error_lines() == [
        "3002: account: unknown account 'nope' (not in this import or already stored)"
    ]
    assert not UsageDaily.objects.exists()


@PATHS
def test_skip_invalid_quotes_a_streamed_line_it_rejects(write_file: WriteFile, fast: bool, tmp_path: Path) -> None:
    skip_unless_possible(fast)
    bad = usage(5).replace('"account": "a"', '"account": "nope"')
    path = write_file("refs.jsonl", ACCOUNT + usage(1) + bad + usage(2))

    result = evidence_import(sources=[read_path(path)], skip_invalid=True, fast_usage=fast)

    assert result.counts["usage"] == {"created": 2, "updated": 0, "unchanged": 0}
    rejects = tmp_path / "rejects.jsonl"
    write_rejects(rejects, result)
    assert '"line": 3' in rejects.read_text() and bad.strip().replace('"', '\\"') in rejects.read_text()


@PATHS
def test_a_reimport_writes_no_row(write_file: WriteFile, fast: bool) -> None:
    skip_unless_possible(fast)
    path = write_file("u.jsonl", ACCOUNT + "".join(usage(day, day, limit=9) for day in range(500)))
    evidence_import(sources=[read_path(path)], fast_usage=fast)
    stamps = dict(UsageDaily.objects.values_list("pk", "updated_at"))
    before = usage_tuples_written() if connection.vendor == "postgresql" else 0

    again = evidence_import(sources=[read_path(path)], fast_usage=fast)

    assert again.counts["usage"] == {"created": 0, "updated": 0, "unchanged": 500}
    assert again.changed_account_ids == set()
    assert dict(UsageDaily.objects.values_list("pk", "updated_at")) == stamps
    if connection.vendor == "postgresql":
        assert usage_tuples_written() == before


# Lines the C decoder leaves to the general path, which decides: each either imports or
# is refused with its line and field, the same way on both paths.
TRICKY = [
    '\ufeff{"type": "usage", "account": "a", "metric": "m", "value": 1, "date": "2026-01-01"}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": "2", "date": "2026-01-02"}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 3, "date": "2026-01-03", "department": "  "}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 4, "date": "2026-01-04", "source": ""}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 5, "date": "2026-01-05", "department": "Caf\\u00e9"}\n',
    '{"type" : "usage", "account": "a", "metric": "m", "value": 6, "date": "2026-01-06"}\r\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 7, "date": "2026-01-07", "note": {"x": 1}}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 8, "date": "2026-01-08"}\r'
    '{"type": "usage", "account": "a", "metric": "m", "value": 9, "date": "2026-01-09"}\n',
    "\n",
    '{"type": "usage", "account": "a", "metric": "m", "value": 10, "date": "2026-01-10", "value": 11}\n',
    '{"account": "a", "metric": "m", "value": 12, "date": "2026-01-12"}\n',
    '{"type": "usage", "account": " ", "metric": "m", "value": 13, "date": "2026-01-13"}\n',
    '{"type": "usage", "account": "a", "metric": "m\\u0000", "value": 14, "date": "2026-01-14"}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 15, "date": "2026-02-30"}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": true, "date": "2026-01-16"}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 1e400, "date": "2026-01-17"}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 18, "date": "2026-01-18", "limit": -1}\n',
    '{"type": "usage", "account": "a", "metric": "' + "m" * 121 + '", "value": 19, "date": "2026-01-19"}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 20, "date": "2026-01-20", "extra": 1}\n',
    '{"type": "usage", "account": "a", "metric": "m", "value": 21, "date": "2026-01-21", "limit": null}\n',
]


def _outcome(path: Path, fast: bool) -> tuple[list[str], list[tuple]]:
    result = evidence_import(sources=[read_path(path)], skip_invalid=True, fast_usage=fast)
    stored = sorted(UsageDaily.objects.values_list("date", "department", "value", "limit", "source"))
    return result.error_lines(), stored


def test_unusual_lines_import_the_same_through_the_stream_and_the_portable_path(write_file: WriteFile) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")
    path = write_file("tricky.jsonl", "".join(TRICKY[:1]) + ACCOUNT + "".join(TRICKY[1:]))
    streamed = _outcome(path, True)
    UsageDaily.objects.all().delete()
    Account.objects.all().delete()
    portable = _outcome(path, False)

    assert streamed == portable
    errors, stored = streamed
    assert [line.split(":")[0] for line in errors] == ["12", "13", "14", "15", "16", "17", "18", "19", "20"]
    values = {row[2] for row in stored}
    assert {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 20.0, 21.0} == values


def test_api_batches_stream_too_and_keep_their_raw_text() -> None:
    batch = [
        {"type": "account", "external_id": "a", "name": "A"},
        {"type": "usage", "account": "a", "metric": "m", "value": 1, "date": "2026-01-01"},
        {"type": "usage", "account": "zz", "metric": "m", "value": 1, "date": "2026-01-02"},
    ]
    result = evidence_import(sources=[read_objects("api", batch)], skip_invalid=True)

    assert result.counts["usage"]["created"] == 1
    [(raw, errors)] = result.rejected
    assert raw.line == 3 and '"zz"' in raw.raw
    assert errors[0].field == "account"


@PATHS
def test_a_file_that_is_not_utf8_fails_whole_and_the_connection_stays_usable(write_file: WriteFile, fast: bool) -> None:
    skip_unless_possible(fast)
    path = write_file("bad.jsonl", (ACCOUNT + usage(1)).encode() + b'{"type": "usage", "account": "\xff"}\n')

    with pytest.raises(SourceError, match="not UTF-8"):
        evidence_import(sources=[read_path(path)], fast_usage=fast)

    assert not UsageDaily.objects.exists()
    assert not Account.objects.exists()


def _merged_with_a_sort(queries: CaptureQueriesContext) -> bool:
    """Whether the merge sorted for "the later line wins" (the stream's slow path)."""
    return any("DISTINCT ON" in query["sql"] for query in queries.captured_queries)


def _import(path: Path, fast: bool) -> tuple[dict[str, int], bool]:
    with CaptureQueriesContext(connection) as queries:
        result = evidence_import(sources=[read_path(path)], fast_usage=fast)
    return result.counts["usage"], _merged_with_a_sort(queries)


def _stored() -> dict[dt.date, float]:
    return dict(UsageDaily.objects.values_list("date", "value"))


@PATHS
def test_a_file_whose_dates_rise_merges_without_sorting(write_file: WriteFile, fast: bool) -> None:
    skip_unless_possible(fast)
    other = usage(0, 9).replace('"metric": "m"', '"metric": "other"')
    path = write_file("u.jsonl", ACCOUNT + usage(0, 1) + other + usage(1, 2) + usage(2, 3))

    counts, sorted_ = _import(path, fast)

    assert counts == {"created": 4, "updated": 0, "unchanged": 0}
    assert not sorted_
    assert sorted(UsageDaily.objects.values_list("metric", "value")) == [("m", 1), ("m", 2), ("m", 3), ("other", 9)]


@PATHS
@pytest.mark.parametrize(
    ("days", "stored"),
    [
        # the same key twice: the later line wins, whichever value it has
        ([(0, 1), (1, 2), (0, 5)], {0: 5.0, 1: 2.0}),
        ([(0, 5), (1, 2), (0, 1)], {0: 1.0, 1: 2.0}),
        # no key repeats, but the dates of a series fall: the slow path, the same result
        ([(2, 3), (1, 2), (0, 1)], {0: 1.0, 1: 2.0, 2: 3.0}),
    ],
    ids=["repeat-rises", "repeat-falls", "dates-fall"],
)
def test_a_key_given_twice_takes_the_later_line_on_a_fresh_import(
    write_file: WriteFile, fast: bool, days: list[tuple[int, float]], stored: dict[int, float]
) -> None:
    skip_unless_possible(fast)
    path = write_file("u.jsonl", ACCOUNT + "".join(usage(day, value) for day, value in days))

    counts, sorted_ = _import(path, fast)

    assert counts == {"created": len(stored), "updated": 0, "unchanged": 0}
    assert _stored() == {dt.date(2026, 1, 1) + dt.timedelta(days=d): v for d, v in stored.items()}
    if fast:
        assert sorted_


@PATHS
@pytest.mark.parametrize(
    ("lines", "counts", "value"),
    [
        # stored 5: the earlier line equals it, the later one changes it
        ([5, 7], {"created": 0, "updated": 1, "unchanged": 0}, 7.0),
        # the earlier line differs, the later one equals what is stored: nothing changes
        ([7, 5], {"created": 0, "updated": 0, "unchanged": 1}, 5.0),
    ],
    ids=["later-changes", "later-equals-stored"],
)
def test_a_key_given_twice_takes_the_later_line_against_stored_rows(
    write_file: WriteFile, fast: bool, lines: list[float], counts: dict[str, int], value: float
) -> None:
    skip_unless_possible(fast)
    evidence_import(sources=[read_path(write_file("1.jsonl", ACCOUNT + usage(0, 5)))], fast_usage=fast)
    path = write_file("2.jsonl", "".join(usage(0, v) for v in lines))

    result, sorted_ = _import(path, fast)

    assert result == counts
    assert _stored() == {dt.date(2026, 1, 1): value}
    if fast:
        assert sorted_


@PATHS
def test_a_key_repeated_in_a_second_file_takes_the_second_files_line(write_file: WriteFile, fast: bool) -> None:
    skip_unless_possible(fast)
    first = write_file("1.jsonl", ACCOUNT + usage(0, 1) + usage(1, 1))
    second = write_file("2.jsonl", usage(1, 4))

    result = evidence_import(sources=[read_path(first), read_path(second)], fast_usage=fast)

    assert result.counts["usage"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert _stored() == {dt.date(2026, 1, 1): 1.0, dt.date(2026, 1, 2): 4.0}


@PATHS
def test_a_repeat_seen_on_the_general_path_also_takes_the_later_line(write_file: WriteFile, fast: bool) -> None:
    skip_unless_possible(fast)
    # The second line has an escape, so it takes the general path; the third repeats its key.
    escaped = usage(0, 2).replace('"metric": "m"', '"metric": "\\u006d"')
    path = write_file("u.jsonl", ACCOUNT + usage(1, 1) + escaped + usage(0, 3))

    counts, sorted_ = _import(path, fast)

    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert _stored() == {dt.date(2026, 1, 1): 3.0, dt.date(2026, 1, 2): 1.0}
    if fast:
        assert sorted_


def test_an_api_batch_with_a_repeated_key_takes_the_later_record() -> None:
    batch: list[dict[str, object]] = [
        {"type": "account", "external_id": "a", "name": "A"},
        {"type": "usage", "account": "a", "metric": "m", "value": 1, "date": "2026-01-01"},
        {"type": "usage", "account": "a", "metric": "m", "value": 2, "date": "2026-01-01"},
    ]
    with CaptureQueriesContext(connection) as queries:
        result = evidence_import(sources=[read_objects("api", batch)])

    assert result.counts["usage"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert _stored() == {dt.date(2026, 1, 1): 2.0}
    if connection.vendor == "postgresql":
        assert _merged_with_a_sort(queries)


def test_many_series_stop_being_tracked_and_the_merge_sorts(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")
    # The memory for the order check is bounded: past the limit (checked after each block
    # of lines) the rows read next are merged, with a sort.
    monkeypatch.setattr(UsageStream, "MAX_SERIES", 100)
    monkeypatch.setattr(service, "BLOCK_BYTES", 4096)
    lines = [usage(0, n).replace('"metric": "m"', f'"metric": "m{n}"') for n in range(10_500)]
    path = write_file("u.jsonl", ACCOUNT + "".join(lines))

    counts, sorted_ = _import(path, True)

    assert counts == {"created": 10_500, "updated": 0, "unchanged": 0}
    assert sorted_


def test_lines_read_in_small_blocks_import_as_in_one(write_file: WriteFile, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks without a backslash, a space before a colon or a carriage return skip those
    checks line by line; with blocks of about a line each, the plain lines among the
    unusual ones take that shortcut, and the outcome is the portable path's."""
    if connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")
    monkeypatch.setattr(service, "BLOCK_BYTES", 64)
    # the last line has no line break, and one line is longer than several blocks
    long_line = usage(30, 30, department="D" * 150)
    lines = TRICKY[:1] + [ACCOUNT] + TRICKY[1:] + [long_line, usage(31, 31).rstrip("\n")]
    path = write_file("tricky.jsonl", "".join(lines))
    streamed = _outcome(path, True)
    UsageDaily.objects.all().delete()
    Account.objects.all().delete()
    portable = _outcome(path, False)

    assert streamed == portable
    errors, stored = streamed
    assert [line.split(":")[0] for line in errors] == ["12", "13", "14", "15", "16", "17", "18", "19", "20"]
    assert {row[2] for row in stored} == {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 20.0, 21.0, 30.0, 31.0}


def _copied_straight(queries: CaptureQueriesContext) -> bool:
    """Whether rows went straight into the usage table: the COPY itself runs on the driver's
    cursor, which the capture does not see, but the id reserved for a new account does."""
    return any("nextval(pg_get_serial_sequence" in query["sql"] for query in queries.captured_queries)


def _merged(queries: CaptureQueriesContext) -> bool:
    """Whether the merge wrote rows from the temporary table (or from the blocks' comparisons)."""
    return any(
        "FROM import_usage t JOIN" in query["sql"] or "FROM import_diff" in query["sql"]
        for query in queries.captured_queries
    )


def test_a_fresh_file_goes_straight_to_the_usage_table_under_the_accounts_reserved_id(write_file: WriteFile) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")
    # The usage lines come before their account's line: its id is reserved when the first one is read.
    path = write_file("u.jsonl", "".join(usage(day, day) for day in range(5)) + ACCOUNT)

    with CaptureQueriesContext(connection) as queries:
        result = evidence_import(sources=[read_path(path)])

    assert result.counts["usage"] == {"created": 5, "updated": 0, "unchanged": 0}
    assert _copied_straight(queries) and not _merged(queries)
    account = Account.objects.get()
    assert result.changed_account_ids == {account.pk}
    assert set(UsageDaily.objects.values_list("account_id", flat=True)) == {account.pk}
    assert _stored() == {dt.date(2026, 1, 1) + dt.timedelta(days=d): float(d) for d in range(5)}


def test_stored_and_new_accounts_in_one_file_are_merged_and_copied(write_file: WriteFile) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")
    evidence_import(sources=[read_path(write_file("1.jsonl", ACCOUNT + usage(0, 1) + usage(1, 1)))])
    other = ACCOUNT.replace('"a"', '"b"')
    lines = [usage(0, 1), usage(1, 2), usage(2, 3)]  # a: one unchanged, one updated, one new
    lines += [line.replace('"account": "a"', '"account": "b"') for line in lines]  # b: all new
    path = write_file("2.jsonl", other + "".join(lines))

    with CaptureQueriesContext(connection) as queries:
        result = evidence_import(sources=[read_path(path)])

    assert result.counts["usage"] == {"created": 4, "updated": 1, "unchanged": 1}
    assert _copied_straight(queries) and _merged(queries)
    assert result.changed_account_ids == set(Account.objects.values_list("pk", flat=True))
    stored = sorted(UsageDaily.objects.values_list("account__external_id", "date", "value"))
    assert [(a, d.day, v) for a, d, v in stored] == [
        ("a", 1, 1.0), ("a", 2, 2.0), ("a", 3, 3.0), ("b", 1, 1.0), ("b", 2, 2.0), ("b", 3, 3.0)
    ]  # fmt: skip


def test_a_streamed_row_of_a_rejected_account_names_it_and_skip_invalid_drops_the_row(
    write_file: WriteFile, tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")
    bad_account = '{"type": "account", "external_id": "b"}\n'  # no name
    lines = ACCOUNT + bad_account + usage(0) + usage(1).replace('"account": "a"', '"account": "b"') + usage(2)
    path = write_file("u.jsonl", lines)

    result = evidence_import(sources=[read_path(path)], skip_invalid=True)

    assert result.error_lines() == ["2: name: required", "4: account: account 'b' is invalid in this import (line 2)"]
    assert result.counts["usage"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert sorted(UsageDaily.objects.values_list("account__external_id", flat=True)) == ["a", "a"]


def test_deleting_an_account_deletes_its_usage() -> None:
    """No foreign key in the database: Django's cascade is what removes an account's usage."""
    evidence_import(sources=[read_objects("api", [{"type": "account", "external_id": "a", "name": "A"}])])
    account = Account.objects.get()
    UsageDaily.objects.create(account=account, metric="m", date=dt.date(2026, 1, 1), value=1)

    account.delete()

    assert not UsageDaily.objects.exists()


def test_a_block_decoded_at_once_gives_the_rows_of_its_lines_or_none() -> None:
    lines = [
        usage(0, 1),
        usage(1, 2, department="Finance", limit=10, source="pendo"),
        usage(2, 3, department="  ", source=""),
        usage(3, 4).replace("}\n", ', "department": null, "limit": null, "source": null}\n'),
    ]
    block = "".join(lines).encode()

    assert plain_usage_block(block) == [plain_usage_line(line.encode()) for line in lines]
    assert plain_usage_block(block.rstrip(b"\n")) == plain_usage_block(block)  # a last line without a break
    # anything the line-by-line path must look at: a repeated key, a blank line, another
    # record type, a blank account; the whole block then goes line by line
    for odd in (
        usage(4, 5).replace("}\n", ', "value": 6}\n'),
        "\n",
        ACCOUNT,
        usage(4).replace('"account": "a"', '"account": " "'),
    ):
        assert plain_usage_block(block + odd.encode()) is None


def _compared(queries: CaptureQueriesContext) -> bool:
    """Whether the merge wrote what the blocks' comparisons found (they run unseen, asynchronously)."""
    return any("FROM import_diff" in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize(
    ("last_line", "counts", "day_10"),
    [
        # blocks compared while the file is read: only the differences are written at the end
        ("", {"created": 10, "updated": 1, "unchanged": 49}, 99.0),
        # a key repeated in the last block: what the earlier blocks found is set aside, the
        # merge compares everything again, and the later line (equal to what is stored) wins
        (usage(10, 10), {"created": 10, "updated": 0, "unchanged": 50}, 10.0),
    ],
    ids=["compared", "repeat-after-compared-blocks"],
)
def test_a_reimport_is_compared_block_by_block_unless_a_key_repeats(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch, last_line: str, counts: dict[str, int], day_10: float
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")
    evidence_import(sources=[read_path(write_file("1.jsonl", ACCOUNT + "".join(usage(d, d) for d in range(50))))])
    monkeypatch.setattr(service, "BLOCK_BYTES", 256)  # two or three lines a block
    lines = "".join(usage(d, 99 if d == 10 else d) for d in range(60)) + last_line
    path = write_file("2.jsonl", lines)

    with CaptureQueriesContext(connection) as queries:
        result = evidence_import(sources=[read_path(path)])

    assert result.counts["usage"] == counts
    assert _compared(queries) == (not last_line)
    assert _stored() == {
        dt.date(2026, 1, 1) + dt.timedelta(days=d): (day_10 if d == 10 else float(d)) for d in range(60)
    }


def test_blocks_whose_dates_go_back_are_merged_at_the_end(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the usage stream is PostgreSQL only")

    def line(metric: str, day: int, value: float) -> str:
        return usage(day, value).replace('"metric": "m"', f'"metric": "{metric}"')

    evidence_import(sources=[read_path(write_file("1.jsonl", ACCOUNT + line("m", 40, 1) + line("n", 0, 1)))])
    monkeypatch.setattr(service, "BLOCK_BYTES", 64)  # a line a block
    # no key repeats, but the second block's date comes before the first one's
    path = write_file("2.jsonl", line("m", 40, 1) + line("n", 0, 2) + line("p", 20, 5))

    with CaptureQueriesContext(connection) as queries:
        result = evidence_import(sources=[read_path(path)])

    assert result.counts["usage"] == {"created": 1, "updated": 1, "unchanged": 1}
    assert not _compared(queries)
    assert sorted(UsageDaily.objects.values_list("metric", "value")) == [("m", 1.0), ("n", 2.0), ("p", 5.0)]
