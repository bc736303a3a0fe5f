"""The Mesa model's two random streams for a seed, made inside the compiled kernel.

The Mesa model seeds its behaviour stream with ``np.random.default_rng(seed)`` (NumPy's
``SeedSequence(seed)`` hashed into a PCG64 state), takes one draw
``integers(2**31 - 1)`` (``mesa.Model.__init__`` seeds Python's ``random`` with it) and
jumps a copy ahead for the world stream (``bit_generator.jumped()``). Making those two
generators in Python costs ~60-270 us a replication; :func:`seed_streams` computes the
same two PCG64 states in ~1 us and writes them into the state of two existing NumPy
generators, so the kernel draws from them exactly what the Mesa model draws.

It writes NumPy's PCG64 state through two small arrays that alias it
(:func:`state_views`): the 128-bit state and increment (four 64-bit words, low word at
index ``lo``, high at ``1 - lo``, as the C build of NumPy lays them out) and the 32-bit
buffer of ``next_uint32`` (``has_uint32``, ``uinteger``). :func:`state_views` checks
that layout against NumPy's own ``state`` dictionary before anything relies on it. The
algorithms are NumPy's (``numpy/random/bit_generator.pyx``, ``src/pcg64/pcg64.h``,
``src/distributions/distributions.c``); ``tests/test_fast_seeding.py`` holds them to
NumPy's streams for many seeds.
"""

from __future__ import annotations

import ctypes

import numpy as np
from numba import njit

U32 = np.uint64(0xFFFFFFFF)
S16 = np.uint64(16)
S32 = np.uint64(32)
ONE = np.uint64(1)
# SeedSequence's hash constants (32-bit arithmetic, kept in 64-bit words and masked).
INIT_A = np.uint64(0x43B0D7E5)
MULT_A = np.uint64(0x931E8875)
INIT_B = np.uint64(0x8B51F9DD)
MULT_B = np.uint64(0x58F38DED)
MIX_MULT_L = np.uint64(0xCA01F9DD)
MIX_MULT_R = np.uint64(0x4973F715)
POOL_SIZE = 4
# PCG64's multiplier (128 bits: high, low words).
MULT_HI = np.uint64(0x2360ED051FC65DA4)
MULT_LO = np.uint64(0x4385DF649FCCF645)
#: ``jumped()`` advances by this many steps (NumPy's PCG64.jump_inplace).
JUMP = 0x9E3779B97F4A7C15F39CC0605CEDC835
_M128 = (1 << 128) - 1
_MULT = (int(MULT_HI) << 64) | int(MULT_LO)


def _jump_constants() -> tuple[int, int]:
    """``(A, G)`` with ``advance(state, JUMP) = A * state + G * inc`` (mod 2^128).

    PCG64 is an LCG ``s -> MULT s + inc``; advancing it ``JUMP`` steps is affine in the
    state and linear in the increment, so both factors are constants (the loop of
    NumPy's ``pcg_advance_lcg_128`` with ``inc = 1``).
    """
    acc_mult, acc_plus, cur_mult, cur_plus, delta = 1, 0, _MULT, 1, JUMP
    while delta > 0:
        if delta & 1:
            acc_mult = (acc_mult * cur_mult) & _M128
            acc_plus = (acc_plus * cur_mult + cur_plus) & _M128
        cur_plus = ((cur_mult + 1) * cur_plus) & _M128
        cur_mult = (cur_mult * cur_mult) & _M128
        delta >>= 1
    return acc_mult, acc_plus


_A, _G = _jump_constants()
JUMP_A_HI, JUMP_A_LO = np.uint64(_A >> 64), np.uint64(_A & ((1 << 64) - 1))
JUMP_G_HI, JUMP_G_LO = np.uint64(_G >> 64), np.uint64(_G & ((1 << 64) - 1))


@njit(cache=True)
def _hashmix(value, hash_const):
    """SeedSequence's ``hashmix``; returns ``(value, new hash_const)`` (32-bit words)."""
    value = (value ^ hash_const) & U32
    hash_const = (hash_const * MULT_A) & U32
    value = (value * hash_const) & U32
    value ^= value >> S16
    return value, hash_const


@njit(cache=True)
def _mix(x, y):
    """SeedSequence's ``mix`` of two 32-bit words."""
    result = ((MIX_MULT_L * x) - (MIX_MULT_R * y)) & U32
    result ^= result >> S16
    return result


@njit(cache=True)
def _mul_64(a, b):
    """The full 128-bit product of two 64-bit words, as ``(high, low)``."""
    a_lo, a_hi = a & U32, a >> S32
    b_lo, b_hi = b & U32, b >> S32
    lo_lo = a_lo * b_lo
    hi_lo = a_hi * b_lo
    lo_hi = a_lo * b_hi
    hi_hi = a_hi * b_hi
    cross = (lo_lo >> S32) + (hi_lo & U32) + lo_hi
    high = hi_hi + (hi_lo >> S32) + (cross >> S32)
    low = (cross << S32) | (lo_lo & U32)
    return high, low


@njit(cache=True)
def _mul_128(a_hi, a_lo, b_hi, b_lo):
    """``a * b`` mod 2^128, as ``(high, low)``."""
    high, low = _mul_64(a_lo, b_lo)
    high = high + a_hi * b_lo + a_lo * b_hi
    return high, low


@njit(cache=True)
def _add_128(a_hi, a_lo, b_hi, b_lo):
    """``a + b`` mod 2^128, as ``(high, low)``."""
    low = a_lo + b_lo
    carry = ONE if low < a_lo else np.uint64(0)
    return a_hi + b_hi + carry, low


@njit(cache=True)
def _step(s_hi, s_lo, i_hi, i_lo):
    """One LCG step of PCG64: ``s * MULT + inc``."""
    m_hi, m_lo = _mul_128(s_hi, s_lo, MULT_HI, MULT_LO)
    return _add_128(m_hi, m_lo, i_hi, i_lo)


@njit(cache=True)
def _output(s_hi, s_lo):
    """PCG64's XSL-RR output of a state."""
    x = s_hi ^ s_lo
    rot = s_hi >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@njit(cache=True)
def seed_state(seed, out):
    """``SeedSequence(seed).generate_state(4, np.uint64)`` for a seed in [0, 2^64).

    Args:
        seed: the seed (a ``uint64``).
        out: receives the four 64-bit words.
    """
    pool = np.empty(POOL_SIZE, dtype=np.uint64)
    hash_const = INIT_A
    for i in range(POOL_SIZE):
        # The seed's 32-bit words, least significant first; zeros beyond them (the same
        # as SeedSequence hashing 0 for pool words past the entropy).
        word = (seed & U32) if i == 0 else ((seed >> S32) if i == 1 else np.uint64(0))
        pool[i], hash_const = _hashmix(word, hash_const)
    for i_src in range(POOL_SIZE):
        for i_dst in range(POOL_SIZE):
            if i_src != i_dst:
                h, hash_const = _hashmix(pool[i_src], hash_const)
                pool[i_dst] = _mix(pool[i_dst], h)
    hash_const = INIT_B
    for w in range(2 * POOL_SIZE):
        value = pool[w % POOL_SIZE]
        value = (value ^ hash_const) & U32
        hash_const = (hash_const * MULT_B) & U32
        value = (value * hash_const) & U32
        value ^= value >> S16
        if w % 2 == 0:
            out[w // 2] = value
        else:
            out[w // 2] |= value << S32


@njit(cache=True)
def seed_streams(seed, lo, rng_words, rng_buffer, world_words, world_buffer):
    """Write the Mesa model's behaviour and world PCG64 states for ``seed``.

    Args:
        seed: the replication seed, in [0, 2^64) (a ``uint64``).
        lo: index of the low 64-bit word of a 128-bit number in NumPy's layout (0 or 1).
        rng_words: the behaviour generator's ``state`` and ``inc`` (:func:`state_views`).
        rng_buffer: its ``next_uint32`` buffer (``has_uint32``, ``uinteger``).
        world_words: the world generator's ``state`` and ``inc``.
        world_buffer: its ``next_uint32`` buffer.
    """
    hi = 1 - lo
    words = np.empty(4, dtype=np.uint64)
    seed_state(seed, words)
    # pcg64_set_seed / pcg_setseq_128_srandom_r.
    init_hi, init_lo = words[0], words[1]
    inc_hi = (words[2] << ONE) | (words[3] >> np.uint64(63))
    inc_lo = (words[3] << ONE) | ONE
    s_hi, s_lo = _step(np.uint64(0), np.uint64(0), inc_hi, inc_lo)
    s_hi, s_lo = _add_128(s_hi, s_lo, init_hi, init_lo)
    s_hi, s_lo = _step(s_hi, s_lo, inc_hi, inc_lo)
    # mesa.Model.__init__: rng.integers(2**31 - 1), i.e. Lemire's bounded 32-bit draw of
    # next_uint32 values, which PCG64 serves half a 64-bit output at a time.
    has_uint32 = False
    uinteger = np.uint64(0)
    rng_excl = np.uint64(2147483647)
    threshold = (U32 - (rng_excl - ONE)) % rng_excl
    while True:
        if has_uint32:
            has_uint32 = False
            draw = uinteger
        else:
            s_hi, s_lo = _step(s_hi, s_lo, inc_hi, inc_lo)
            out = _output(s_hi, s_lo)
            has_uint32 = True
            uinteger = out >> S32
            draw = out & U32
        if ((draw * rng_excl) & U32) >= threshold:
            break
    rng_words[hi], rng_words[lo] = s_hi, s_lo
    rng_words[2 + hi], rng_words[2 + lo] = inc_hi, inc_lo
    rng_buffer[0] = 1 if has_uint32 else 0
    rng_buffer[1] = np.uint32(uinteger)
    # bit_generator.jumped(): the same increment, the state advanced; the buffer emptied.
    a_hi, a_lo = _mul_128(s_hi, s_lo, JUMP_A_HI, JUMP_A_LO)
    g_hi, g_lo = _mul_128(inc_hi, inc_lo, JUMP_G_HI, JUMP_G_LO)
    w_hi, w_lo = _add_128(a_hi, a_lo, g_hi, g_lo)
    world_words[hi], world_words[lo] = w_hi, w_lo
    world_words[2 + hi], world_words[2 + lo] = inc_hi, inc_lo
    world_buffer[0] = 0
    world_buffer[1] = 0


def state_views(generator: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """Arrays aliasing a PCG64 generator's state, and where the low words sit.

    Returns:
        ``(words, buffer, lo)``: four ``uint64`` (state, increment; each 128-bit number as
        two words, the low one at index ``lo``), two ``uint32`` (``has_uint32``,
        ``uinteger``). They stay valid while ``generator`` lives.

    Raises:
        RuntimeError: NumPy lays the state out otherwise than checked for here.
    """
    bit_generator = generator.bit_generator
    if not isinstance(bit_generator, np.random.PCG64):
        raise RuntimeError("the streams must be PCG64")
    address = bit_generator.ctypes.state_address
    pointer = ctypes.c_void_p.from_address(address).value
    if pointer is None:
        raise RuntimeError("the generator has no PCG64 state")
    words = np.ctypeslib.as_array((ctypes.c_uint64 * 4).from_address(pointer))
    buffer = np.ctypeslib.as_array((ctypes.c_uint32 * 2).from_address(address + 8))
    probe = {
        "bit_generator": "PCG64",
        "state": {"state": (3 << 64) | 5, "inc": (7 << 64) | 9},
        "has_uint32": 1,
        "uinteger": 11,
    }
    bit_generator.state = probe  # type: ignore[assignment]
    lo = 0 if words[0] == 5 else 1
    if list(words) != ([5, 3, 9, 7] if lo == 0 else [3, 5, 7, 9]) or list(buffer) != [1, 11]:
        raise RuntimeError("NumPy's PCG64 state is laid out otherwise than expected")
    return words, buffer, lo
