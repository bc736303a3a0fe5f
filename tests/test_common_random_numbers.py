"""Common random numbers: designs run with the same seed face the same world.

DESIGN.md ("Experiments"): replication r of every design uses the same seed, so that
differences come from the design, not the dice. The world's draws (arrivals, importance,
shocks, ideal-point jitter) therefore come from a stream of their own, untouched by the
draws that decisions make.
"""

from __future__ import annotations

from pathlib import Path

from sim.experiment.runner import replication_seeds
from sim.model.venture import Venture
from sim.scenario.loader import load_scenario, validate_mapping

ROOT = Path(__file__).resolve().parents[1]


def arrivals(scenario, seed):
    v = Venture(scenario, seed, record_events=True).run()
    events = [e for e in v.log.events if e.kind == "arrival"]
    return [
        (e.month, e.data["issue"].kind, round(e.data["issue"].importance, 12)) for e in events
    ], v


def test_unanimity_and_majority_face_the_same_agenda():
    base = load_scenario(ROOT / "scenarios" / "equal_stakes.yaml").scenario
    data = base.model_dump()
    data["governance"]["reserved"] = {"rule": "simple_majority"}
    majority = validate_mapping(data)
    data["governance"]["proposer"] = "random"
    data["dynamics"]["belief_noise"] = 0.05
    noisy = validate_mapping(data)
    for seed in replication_seeds(1, 5):
        a, va = arrivals(base, seed)
        b, vb = arrivals(majority, seed)
        c, vc = arrivals(noisy, seed)
        months = min(va.month, vb.month, vc.month)
        assert (
            [x for x in a if x[0] <= months]
            == [x for x in b if x[0] <= months]
            == [x for x in c if x[0] <= months]
        )
        assert [h.ideal for h in va.holders] == [h.ideal for h in vb.holders]
