"""The kernel seeds the two streams exactly as the Mesa model does (sim/fast/seeding.py).

For each seed, the states :func:`seed_streams` writes must equal those of
``default_rng(seed)`` after Mesa's one ``integers(2**31 - 1)`` draw and of its
``bit_generator.jumped()`` copy, including the ``next_uint32`` buffer, and the draws that
follow must be the same numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiment.chunk import replication_seeds
from sim.fast.compile import register

EDGES = [0, 1, 2, 2**31 - 1, 2**32 - 1, 2**32, 2**62, 2**63 - 1, 2**63, 2**64 - 1]


@pytest.fixture(scope="module")
def streams():
    register()  # the compiled code's cache goes to the user's cache folder
    from sim.fast.seeding import state_views

    rng = np.random.Generator(np.random.PCG64())
    world = np.random.Generator(np.random.PCG64())
    rng_words, rng_buffer, lo = state_views(rng)
    world_words, world_buffer, _ = state_views(world)
    return rng, world, (lo, rng_words, rng_buffer, world_words, world_buffer)


def mesa_streams(seed: int):
    rng = np.random.default_rng(seed)
    rng.integers(np.iinfo(np.int32).max)  # as mesa.Model.__init__ does
    return rng, np.random.Generator(rng.bit_generator.jumped())


def test_states_and_draws_equal_numpys(streams):
    from sim.fast.seeding import seed_streams

    rng, world, views = streams
    big = np.random.default_rng(7).integers(0, 2**63, 500, dtype=np.uint64).tolist()
    for seed in EDGES + replication_seeds(20260412, 500) + big:
        want_rng, want_world = mesa_streams(seed)
        seed_streams(np.uint64(seed), *views)
        assert rng.bit_generator.state == want_rng.bit_generator.state, seed
        assert world.bit_generator.state == want_world.bit_generator.state, seed
        # The buffered half-word first (integers), then doubles and normals.
        assert rng.integers(0, 7) == want_rng.integers(0, 7)
        assert np.array_equal(rng.random(3), want_rng.random(3))
        assert np.array_equal(world.standard_normal(3), want_world.standard_normal(3))
        assert world.poisson(1.2) == want_world.poisson(1.2)


def test_seed_state_is_seedsequences():
    register()
    from sim.fast.seeding import seed_state

    out = np.empty(4, dtype=np.uint64)
    for seed in EDGES:
        seed_state(np.uint64(seed), out)
        want = np.random.SeedSequence(seed).generate_state(4, np.uint64)
        assert np.array_equal(out, want), seed
