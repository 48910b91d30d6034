"""The cycle collector is paused while an import runs and always comes back."""

from __future__ import annotations

import gc
import threading

import pytest

from desktop.store.import_common import cyclic_gc_paused


def test_collector_paused_inside_and_back_after() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_back_after_an_error() -> None:
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("import failed")
    assert gc.isenabled()


def test_overlapping_pauses_from_two_threads_end_with_the_collector_on() -> None:
    first_in = threading.Event()
    second_in = threading.Event()

    def first() -> None:
        with cyclic_gc_paused():
            first_in.set()
            second_in.wait(5)
        # leaves while the second is still inside

    with cyclic_gc_paused():
        thread = threading.Thread(target=first)
        thread.start()
        first_in.wait(5)
        second_in.set()
        thread.join(5)
        assert not gc.isenabled()  # the second pause still holds
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
