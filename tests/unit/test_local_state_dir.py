"""The local cloud's state folder (infra/local/state_dir.py): complete snapshots only, one process at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.local.persistence import from_dynamodb_json
from infra.local.state_dir import StateDir, StateDirInUseError


def test_a_folder_without_a_snapshot_starts_fresh(tmp_path: Path) -> None:
    assert StateDir(tmp_path / "state").acquire().latest() is None


def test_the_newest_saved_snapshot_is_the_one_restored_and_older_ones_are_removed(tmp_path: Path) -> None:
    state = StateDir(tmp_path).acquire()
    first = state.save(b'{"n": 1}', b"stripe-1")
    second = state.save(b'{"n": 2}', b"stripe-2")
    latest = state.latest()
    assert latest == second
    assert latest is not None and latest.stripe_file.read_bytes() == b"stripe-2"
    assert not first.path.exists()


def test_a_snapshot_cut_short_before_it_became_current_leaves_the_previous_one_in_force(tmp_path: Path) -> None:
    state = StateDir(tmp_path).acquire()
    kept = state.save(b"{}", b"stripe")
    half_written = tmp_path / "snapshots" / "99999999T000000-1"
    half_written.mkdir()
    (half_written / "dynamodb.json").write_bytes(b"{}")  # the stop died before Stripe's store was written
    assert state.latest() == kept


def test_discarding_makes_the_next_start_fresh(tmp_path: Path) -> None:
    state = StateDir(tmp_path).acquire()
    state.save(b"{}", b"stripe")
    state.discard()
    assert state.latest() is None


def test_a_folder_in_use_by_another_cloud_is_refused_until_released(tmp_path: Path) -> None:
    first = StateDir(tmp_path).acquire()
    with pytest.raises(StateDirInUseError):
        StateDir(tmp_path).acquire()
    first.release()
    StateDir(tmp_path).acquire().release()


def test_binary_attributes_come_back_as_bytes_at_any_depth_and_other_values_unchanged() -> None:
    item = {
        "pk": {"S": "B"},
        "blob": {"B": "aGk="},
        "nested": {"M": {"inner": {"BS": ["aGk=", "eW8="]}, "list": {"L": [{"B": "aGk="}, {"N": "3"}]}}},
    }
    assert from_dynamodb_json(item) == {
        "pk": {"S": "B"},
        "blob": {"B": b"hi"},
        "nested": {"M": {"inner": {"BS": [b"hi", b"yo"]}, "list": {"L": [{"B": b"hi"}, {"N": "3"}]}}},
    }
