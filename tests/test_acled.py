"""Reading ACLED CSV files: a file that is not ACLED-shaped fails with one line that says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventcoder.acled import read_acled, read_acled_files
from eventcoder.errors import EvaluationError

HEADER = "event_date,sub_event_type,notes\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id,text,date\n1,Clashes in Idlib,2020-01-01\n", "missing column(s) notes, event_date, sub_event_type"),
        (b"\x00\x01\x02\x03 a database dump", "a binary file, not a CSV file"),
        (HEADER.encode() + b"2020-01-01,Armed clash,\n", "no row has a note to code"),
        (HEADER.encode() + b"yesterday,Armed clash,Clashes in Idlib.\n", "no event_date could be read"),
        (HEADER.encode() + b"2020-01-01,ASSAULT,Clashes in Idlib.\n", "no sub_event_type is one of ACLED's"),
        (b"", "the file is empty"),
    ],
    ids=["other columns", "binary", "no notes", "no dates", "other codebook", "empty"],
)
def test_acled_file_that_is_not_acled_shaped_fails_in_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    """Each kind of wrong file gets a one-line message naming the file, the problem and the fix."""
    path = tmp_path / "gold.csv"
    path.write_bytes(content)
    with pytest.raises(EvaluationError) as caught:
        read_acled_files([path])
    message = str(caught.value)
    assert expected in message
    assert message.startswith(str(path)) and "\n" not in message


def test_acled_reads_a_utf16_export(tmp_path: Path) -> None:
    """A spreadsheet's "Unicode text" export (UTF-16 with a byte-order mark) reads like UTF-8."""
    path = tmp_path / "gold.csv"
    path.write_bytes(("\ufeff" + HEADER + "2020-01-01,Armed clash,Clashes in Idlib.\n").encode("utf-16-le"))
    [row] = read_acled(path)
    assert row.notes == "Clashes in Idlib." and row.sub_event_type == "Armed clash"


def test_acled_a_few_unreadable_values_do_not_stop_the_file(tmp_path: Path) -> None:
    """A file with some unreadable dates or unknown types still reads; those rows carry None or the label."""
    path = tmp_path / "gold.csv"
    path.write_text(
        HEADER + "2020-01-01,Armed clash,Clashes in Idlib.\nsoon,Looting,Shops were looted in Hama.\n",
        encoding="utf-8",
    )
    first, second = read_acled(path)
    assert first.event_date is not None and second.event_date is None
    assert second.sub_event_type == "Looting"
