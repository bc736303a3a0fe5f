"""Drawing a report's pictures two at a time (sim.reports.drawing), with a real fork."""

import os

import pytest

from sim.reports.drawing import draw_all, spare_cores

needs_two_cores = pytest.mark.skipif(not spare_cores(), reason="one core: draws in turn")


def writer(folder, name, log):
    def draw():
        (folder / name).write_text(str(os.getpid()))
        log.append(name)
        return name

    return draw


@needs_two_cores
def test_every_picture_is_drawn_once_in_order_half_of_them_in_a_child(tmp_path):
    log: list[str] = []
    names = [f"p{i}.png" for i in range(5)]
    got = draw_all([writer(tmp_path, n, log) for n in names])
    assert got == names
    pids = {n: int((tmp_path / n).read_text()) for n in names}
    assert {pids[n] for n in names[0::2]} == {os.getpid()}
    assert os.getpid() not in {pids[n] for n in names[1::2]}  # drawn by the forked child
    assert log == names[0::2]  # this process drew only its half


@needs_two_cores
def test_a_child_that_fails_has_its_share_drawn_here(tmp_path):
    me = os.getpid()

    def fails_elsewhere():
        if os.getpid() != me:
            raise RuntimeError("only in the child")
        return "b.png"

    assert draw_all([lambda: "a.png", fails_elsewhere, lambda: None]) == ["a.png", "b.png", None]


def test_an_error_in_a_picture_is_raised_here():
    def broken():
        raise ValueError("no data to draw")

    with pytest.raises(ValueError, match="no data to draw"):
        draw_all([lambda: "a.png", broken])
