"""Veto players: a veto never makes a decision easier; unanimity is never faster.

Sources: Tsebelis, *Veto Players* (2002), ch. 1-2: adding a veto player can only shrink
the winset of the status quo (policy stability never falls); /work/shared/STYLE.md (the
property-test example "adding a veto holder never makes a decision pass that failed
before"); issue 6 (latency under unanimity is never below that under majority, with
common random numbers).

What holds exactly, and where (docs/verification.md, "Veto players"):
- for a given ballot and votes (``sim.model.voting.decide``), always;
- for a meeting (proposer, proposal, votes) under perfect information, always;
- for one issue through the whole model under perfect information: it is decided no
  earlier with the veto (or under unanimity) than without (or under majority);
- with noisy beliefs, NOT per meeting: a proposer facing a veto moderates its proposal,
  and the moderate proposal can pass where the bold one failed
  (``test_noisy_beliefs_a_veto_can_moderate_a_proposal_into_passing``);
- for whole runs with many issues, as a mean over common-random-number replications,
  not replication by replication: both designs face the same agenda (its own random
  stream), but decided issues are a selected sample (under unanimity the hard ones lapse).
"""

from hypothesis import event, given, settings
from hypothesis import strategies as st
from pure_spatial import k_of_n, meeting, pure_spatial

from sim.experiment.runner import replication_seeds
from sim.model.venture import Venture
from sim.model.voting import VOTING_RULES, Ballot, decide
from sim.scenario.loader import load_scenario, validate_mapping

POINT = st.floats(0.0, 1.0).map(lambda x: round(x, 2))


@st.composite
def ballots(draw):
    n = draw(st.integers(1, 7))
    rule = draw(st.sampled_from(sorted(VOTING_RULES)))
    threshold = draw(st.floats(0.51, 1.0)) if rule == "qualified_majority" else None
    weights = tuple(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    vetoes = tuple(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    chair = draw(st.one_of(st.none(), st.integers(0, n - 1)))
    yes = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return Ballot(rule, threshold, weights, vetoes, chair), yes


@settings(max_examples=500, deadline=None)
@given(ballots(), st.data())
def test_decide_adding_a_veto_never_passes_a_failed_ballot(case, data):
    ballot, yes = case
    holder = data.draw(st.integers(0, len(yes) - 1))
    more = tuple(v or i == holder for i, v in enumerate(ballot.vetoes))
    with_veto = Ballot(ballot.rule, ballot.threshold, ballot.weights, more, ballot.chair)
    if not decide(ballot, yes):
        assert not decide(with_veto, yes)
    if decide(with_veto, yes):  # equivalently: the veto only removes passing vote sets
        assert decide(ballot, yes)


RULES = st.sampled_from(
    [{"rule": "simple_majority"}, {"rule": "unanimity"}, k_of_n(3, 4), k_of_n(2, 3)]
)


@st.composite
def meetings(draw):
    n = draw(st.integers(2, 5))
    dims = draw(st.integers(1, 2))
    ideals = [draw(st.lists(POINT, min_size=dims, max_size=dims)) for _ in range(n)]
    tolerance = [draw(st.sampled_from([0.0, 0.02, 0.1])) for _ in range(n)]
    status_quo = draw(st.lists(POINT, min_size=dims, max_size=dims))
    return (
        ideals,
        draw(RULES),
        draw(st.integers(0, n - 1)),
        draw(st.integers(0, n - 1)),
        tolerance,
        status_quo,
    )


def _scenario(ideals, rule, proposer, tolerance, veto_holders, **extra):
    partners = [{"veto": {"tolerance": t, "concession": 0.0}} for t in tolerance]
    return pure_spatial(
        ideals,
        rule,
        proposer=proposer,
        partners=partners,
        governance={"veto_holders": veto_holders},
        **extra,
    )


@settings(max_examples=200, deadline=None)
@given(meetings())
def test_meeting_with_perfect_information_a_veto_never_passes_what_failed(case):
    ideals, rule, proposer, holder, tolerance, q = case
    before, _ = meeting(_scenario(ideals, rule, proposer, tolerance, []), q)
    after, _ = meeting(_scenario(ideals, rule, proposer, tolerance, [f"P{holder}"]), q)
    if not before:
        assert not after


def test_noisy_beliefs_a_veto_can_moderate_a_proposal_into_passing():
    """Agenda setting under a veto (Romer & Rosenthal 1978): with noisy beliefs, the same
    belief draws lead P0 to ask for less when P2 holds a veto, and the smaller move passes
    where the larger one, without the veto, failed. Found by search (seed 59: the first of
    0..1999 that shows it)."""
    ideals, q = [[0.98], [0.57], [0.01]], [0.77]
    noisy = {"dynamics": {"belief_noise": 0.05}}
    without = _scenario(ideals, {"rule": "simple_majority"}, 0, [0.02] * 3, [], **noisy)
    with_veto = _scenario(ideals, {"rule": "simple_majority"}, 0, [0.02] * 3, ["P2"], **noisy)
    assert meeting(without, q, seed=59) == (False, q)
    passed, (after,) = meeting(with_veto, q, seed=59)
    assert passed and 0.77 < after < 0.80


@st.composite
def single_issues(draw):
    n = draw(st.integers(2, 5))
    ideals = [[draw(POINT)] for _ in range(n)]
    partners = [
        {
            "veto": {
                "tolerance": draw(st.sampled_from([0.0, 0.005, 0.02])),
                "concession": draw(st.sampled_from([0.0, 0.001, 0.003, 0.01])),
            }
        }
        for _ in range(n)
    ]
    return ideals, partners, draw(POINT), draw(st.integers(0, n - 1))


def _first_decision(ideals, partners, q, rule, veto_holders) -> int | None:
    """Month a scripted reserved issue (arriving in month 1) is decided, or None."""
    scenario = pure_spatial(
        ideals,
        rule,
        months=36,
        chair_term=2,
        initial=[q],
        events=[{"type": "issue", "month": 1, "kind": "board"}],
        reserved=True,
        partners=partners,
        governance={
            "veto_holders": veto_holders,
            "deadlock": {"escalation_resolves": 0.0, "clause": "none"},
        },
    )
    venture = Venture(scenario, seed=5).run()
    return venture.decisions[0][0] if venture.decisions else None


def _not_earlier(slow: int | None, fast: int | None) -> bool:
    return slow is None or (fast is not None and slow >= fast)


@settings(max_examples=80, deadline=None)
@given(single_issues())
def test_one_issue_through_the_model_veto_and_unanimity_are_never_faster(case):
    """Perfect information, one reserved issue, concessions over time, a rotating chair
    and the deadlock ladder (without its random compromise): with the same seed, the
    issue is decided no earlier under unanimity than under a simple majority, and no
    earlier with an added veto holder than without."""
    ideals, partners, q, holder = case
    majority = _first_decision(ideals, partners, q, {"rule": "simple_majority"}, [])
    unanimity = _first_decision(ideals, partners, q, {"rule": "unanimity"}, [])
    vetoed = _first_decision(ideals, partners, q, {"rule": "simple_majority"}, [f"P{holder}"])
    event(
        "neither decided"
        if majority is None and unanimity is None
        else "same month"
        if majority == unanimity
        else "unanimity later or never"
    )
    assert _not_earlier(unanimity, majority)
    assert _not_earlier(vetoed, majority)


def _reserved_latency(scenario, seeds) -> list[float | None]:
    out = []
    for seed in seeds:
        venture = Venture(scenario, seed).run()
        lat = [months for _, months, reserved in venture.decisions if reserved]
        out.append(sum(lat) / len(lat) if lat else None)
    return out


def test_mean_reserved_latency_unanimity_not_below_majority_crn():
    """equal_stakes.yaml over 48 months, 60 common-random-number replications: mean
    reserved-matter latency under unanimity is at least that under a simple majority.
    (Per replication it is not guaranteed: see the module docstring.)"""
    data = load_scenario("scenarios/equal_stakes.yaml").scenario.model_dump()
    data["horizon_months"] = 48
    means = {}
    for rule in ("unanimity", "simple_majority"):
        data["governance"]["reserved"] = {"rule": rule}
        lat = _reserved_latency(validate_mapping(data), replication_seeds(2026, 60))
        decided = [x for x in lat if x is not None]
        means[rule] = sum(decided) / len(decided)
    assert means["unanimity"] >= means["simple_majority"]
