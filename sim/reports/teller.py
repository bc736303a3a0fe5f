"""One replication told month by month: sentences from the model's event log.

:func:`tell` reads a finished :class:`~sim.model.venture.Venture` that recorded its events
and turns each event into a :class:`~sim.reports.story.Line` of plain language (who
proposed what, each no vote with its reason, the deadlock ladder, side funding, capital
calls, exits and their cause). Influence shifts are read from the venture's monthly
influence history, which the model keeps anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.influence import baseline_shares
from sim.reports.story import CLAUSES, INFLUENCE_STEP, Line, Month, above, join, pct, words

if TYPE_CHECKING:
    from sim.model.agenda import Issue
    from sim.model.venture import Venture


class Teller:
    """Turns one venture's events into :class:`Month` stories (use :func:`tell`)."""

    def __init__(self, venture: Venture):
        self.v = venture
        s = venture.scenario
        self.s = s
        self.dims = venture.dims
        self.specs = {p.name: p for p in s.all_partners()}
        self.stakes = {p.name: p.stake for p in s.partners}
        if s.state_funder is not None:
            self.stakes[s.state_funder.name] = s.state_funder.stake
        self.fallback: set[int] = set()
        self.last_try: dict[int, tuple] = {}
        # Influence starts at formal weight: each founding holder's share of the stakes.
        founders = [h for h in venture.holders if h.name in self.stakes]
        self.shown_influence = [0.0] * len(venture.holders)
        shares = [0.0] * len(founders)
        baseline_shares([self.stakes[h.name] for h in founders], shares)
        for h, b in zip(founders, shares, strict=True):
            self.shown_influence[h.order] = b

    # -- helpers ---------------------------------------------------------------------
    def issue(self, issue: Issue) -> str:
        """An issue's name: number and title (``#7 budget``)."""
        title = words(issue.title) if issue.title == issue.kind else issue.title
        return f"#{issue.uid} {title}"

    def issue_data(self, issue: Issue, status_quo: tuple[float, ...] | None = None) -> dict:
        """An issue as plain data, with the live policy on its dimensions when recorded."""
        data = {
            "uid": issue.uid,
            "kind": issue.kind,
            "title": issue.title,
            "dimensions": [self.dims[k] for k in issue.dims],
            "importance": issue.importance,
            "reserved": issue.reserved,
            "arrival": issue.arrival,
        }
        if status_quo is not None:
            data["status_quo"] = list(status_quo)
        return data

    def moves(self, issue: Issue, status_quo: tuple[float, ...], policy) -> str:
        """How a policy moves the live policy on the issue's dimensions."""
        return " and ".join(
            f"{words(self.dims[k])} {q:.2f} → {x:.2f}"
            for k, q, x in zip(issue.dims, status_quo, policy, strict=True)
        )

    def rule(self, issue: Issue, casting: bool) -> str:
        """The voting rule that applied to an issue's meeting, in words."""
        g = self.s.governance
        spec = g.reserved if issue.reserved else g.routine
        if casting or issue.uid in self.fallback:
            return "a simple majority" + (" with the chair's casting vote" if casting else "")
        name = {
            "unanimity": "unanimity",
            "simple_majority": "a simple majority",
            "qualified_majority": f"a {pct(spec.threshold or 0)} majority",
        }[spec.rule]
        return name + (" of stakes" if spec.basis == "stake" else "")

    # -- events ----------------------------------------------------------------------
    def arrival(self, d: dict) -> Line:
        """An issue arrives."""
        i = d["issue"]
        where = "for the board" if i.reserved else "for management"
        lead = "Scheduled: " if d["scripted"] else "New issue "
        dims = ", ".join(words(self.dims[k]) for k in i.dims)
        name = self.issue(i)
        about = "" if name.endswith(" " + dims) else f" ({dims})"
        return Line(
            "arrival",
            "plain",
            f"{lead}{name}{about}, {where}, importance {i.importance:.2f}.",
            data={"issue": self.issue_data(i, d["status_quo"]), "scripted": d["scripted"]},
        )

    def meeting(self, d: dict, month: int) -> Line:
        """A meeting on an issue: the proposal, the result, each no and its reason."""
        i, p, votes, passed = d["issue"], d["proposal"], d["votes"], d["passed"]
        casting = d["casting_vote"]
        no = [v for v in votes if not v.yes]
        yes = len(votes) - len(no)
        sq = d["status_quo"]
        data = {
            "issue": self.issue_data(i, sq),
            "proposer": p.proposer,
            "proposal": list(p.policy),
            "share_of_way": p.share,
            "expected_to_pass": p.expected_to_pass,
            "votes": [
                {
                    "voter": v.voter,
                    "yes": v.yes,
                    "loss": v.loss,
                    "tolerance": v.tolerance,
                    "veto": v.veto,
                }
                for v in votes
            ],
            "passed": passed,
            "casting_vote": casting,
        }
        key = (tuple(round(x, 2) for x in p.policy), p.proposer, tuple(v.voter for v in no))
        again = self.last_try.get(i.uid) == key and not passed
        self.last_try[i.uid] = key
        if again:
            names = join([v.voter for v in no])
            says = "says" if len(no) == 1 else "say"
            return Line(
                "meeting",
                "quiet",
                f"✗ {self.issue(i)}: {p.proposer} tries again; {names} still {says} no.",
                data=data,
            )
        aim = "its ideal point" if p.share >= 1 - 1e-9 else f"{p.share:.0%} of the way to its ideal"
        if not p.expected_to_pass:
            aim += ", though it expects a no"
        who = "As chair with the casting vote, " if casting else ""
        opened = month - i.arrival
        age = f", after {opened} month{'s' if opened != 1 else ''}" if opened else ""
        if passed:
            verdict = f"Passes, {yes} to {len(no)}{age}."
        else:
            verdict = f"Fails, {yes} to {len(no)}, under {self.rule(i, casting)}."
        text = (
            f"{'✓' if passed else '✗'} {self.issue(i)}: {who}{p.proposer} proposes "
            f"{self.moves(i, sq, p.policy)} ({aim}). {verdict}"
        )
        details = [
            f"{v.voter} votes no{' (a veto)' if v.veto else ''}: the proposal costs it "
            f"{above(v.loss, v.tolerance)}."
            for v in no
        ]
        return Line("meeting", "good" if passed else "bad", text, details, data)

    def no_proposal(self, d: dict) -> Line:
        """A meeting at which the proposer believed no move from the live policy could pass."""
        i = d["issue"]
        return Line(
            "no_proposal",
            "quiet",
            f"✗ {self.issue(i)}: {d['proposer']} tables nothing; it believes no move from "
            "where the venture stands would pass.",
            data={"issue": self.issue_data(i, d["status_quo"]), "proposer": d["proposer"]},
        )

    def chair(self, d: dict) -> Line:
        """The chair (and with it the agenda) passes to a partner."""
        why = {
            "first": "chairs the board first",
            "term": "takes the chair for the next term",
            "left": "takes the chair after its holder left",
        }.get(d["why"], "takes the chair")
        return Line("chair", "quiet", f"{d['partner']} {why}.", data=dict(d))

    def decision(self, d: dict) -> Line | None:
        """A decision reached off the ballot (escalation, mediation, arbitration...)."""
        if d["how"] in ("vote", "casting vote"):
            return None  # told with its meeting
        i = d["issue"]
        how = {
            "escalation": "by the parents' chiefs during escalation",
            "mediation": "in mediation",
            "chiefs": "by the parents' chiefs",
            "arbitration": "by an arbitrator",
        }.get(d["how"], d["how"])
        return Line(
            "decision",
            "good",
            f"⚖ {self.issue(i)} is settled {how} on a compromise: "
            f"{self.moves(i, d['status_quo'], d['outcome'])}, after {d['latency']} months.",
            data={
                "issue": self.issue_data(i, d["status_quo"]),
                "outcome": list(d["outcome"]),
                "how": d["how"],
                "latency": d["latency"],
            },
        )

    def deadlock(self, kind: str, d: dict) -> Line:
        """A step down the deadlock ladder."""
        i = d["issue"]
        base = {"issue": self.issue_data(i)}
        if kind == "deadlock_notice":
            n = self.s.governance.deadlock.after_rounds
            text = (
                f"Deadlock notice on {self.issue(i)} after {n} failed board meeting"
                f"{'s' if n != 1 else ''}: it goes to the parents' chiefs until month {d['until']}."
            )
            return Line(kind, "warn", text, data={**base, "until": d["until"]})
        if kind == "escalation_failed":
            return Line(
                kind, "warn", f"The parents' chiefs could not agree on {self.issue(i)}.", data=base
            )
        if kind == "mediation":
            return Line(
                kind,
                "warn",
                f"{self.issue(i)} goes to mediation until month {d['until']}.",
                data={**base, "until": d["until"]},
            )
        if kind == "mediation_failed":
            return Line(kind, "warn", f"Mediation on {self.issue(i)} fails.", data=base)
        if d["clause"] == "majority_fallback":
            self.fallback.add(i.uid)
        return Line(
            kind,
            "warn",
            f"End of the deadlock ladder for {self.issue(i)}: "
            f"{CLAUSES.get(d['clause'], d['clause'])}.",
            data={**base, "clause": d["clause"]},
        )

    def dropped(self, d: dict, previous: Line | None) -> Line | None:
        """An issue closed undecided."""
        i = d["issue"]
        if previous is not None and previous.kind == "side_funding":
            return None  # the side-funding line already says it leaves the agenda
        return Line(
            "dropped",
            "bad",
            f"{self.issue(i)} is closed undecided ({d['why']}); the venture's policy stays "
            "as it is.",
            data={"issue": self.issue_data(i), "why": d["why"]},
        )

    def side_funding(self, d: dict) -> Line:
        """A partner funds its own version of an issue outside the venture."""
        i, cur = d["issue"], self.s.currency
        return Line(
            "side_funding",
            "struct",
            f"{d['partner']} funds its own version of {self.issue(i)} outside the venture "
            f"({d['amount']:.0f} {cur}): it gains influence, the others' trust drops, and the "
            "issue leaves the venture's agenda.",
            data={
                "partner": d["partner"],
                "issue": self.issue_data(i),
                "amount": d["amount"],
            },
        )

    def capital_call(self, d: dict) -> Line:
        """A capital call: who pays, and who is diluted."""
        cur = self.s.currency
        payers = [n for n, x in d["paid"].items() if x > 0]
        skipped = [n for n, x in d["paid"].items() if x <= 0]
        details = []
        if payers:
            paid = join([f"{n} {d['paid'][n]:.1f}" for n in payers])
            now = join([f"{n} {pct(d['stakes'][n])}" for n in payers])
            details.append(f"Paid in ({cur}): {paid}. Their stakes are now: {now}.")
        for n in skipped:
            details.append(
                f"{n} does not pay and is diluted from {pct(self.stakes.get(n, 0))} "
                f"to {pct(d['stakes'][n])}."
            )
        self.stakes.update(d["stakes"])
        return Line(
            "capital_call",
            "struct",
            f"Capital call: {d['title'] or 'new capital'}, {d['amount']:.0f} {cur}.",
            details,
            data={k: d[k] for k in ("title", "amount", "paid", "stakes")},
        )

    def exit_announced(self, d: dict, month: int) -> Line:
        """A partner announces its exit, and why."""
        n = d["partner"]
        patience = self.specs[n].patience if n in self.specs else 1
        played = any(h.name == n and self.v.moves.plays(h) for h in self.v.holders)
        why = (
            f"the people playing it chose to (its satisfaction {d['satisfaction']:.2f}, its "
            f"outside option {d['outside_option']:.2f})"
            if played  # a room session (sim play): the agent's reason may not be theirs
            else f"its satisfaction ({d['satisfaction']:.2f}) has stayed below its outside "
            f"option ({d['outside_option']:.2f}) for {patience} months, its patience"
        )
        return Line(
            "exit_announced",
            "bad",
            f"{n} announces it will leave (effective month {d['effective']}): {why}.",
            data={k: d[k] for k in ("partner", "effective", "satisfaction", "outside_option")},
        )

    def exit(self, d: dict) -> Line:
        """A partner leaves; who buys its stake."""
        n, how = d["partner"], d["how"]
        stake = self.stakes.get(n, 0.0)
        verb = {
            "exit": "leaves the venture",
            "shotgun": "is bought out under the shotgun clause",
            "put_call": "sells out under the put option",
        }.get(how, f"leaves ({how})")
        if how == "shotgun" and stake and not d["buyers"]:
            verb = "sells under the shotgun clause"
        buyers = d["buyers"]
        for b, t in buyers.items():
            self.stakes[b] = self.stakes.get(b, 0.0) + t
        self.stakes[n] = 0.0
        bought = (
            "Its "
            + pct(stake)
            + " stake goes to "
            + join([f"{b} ({pct(t)})" for b, t in buyers.items()])
            if buyers
            else "Nobody in the venture buys its stake"
        )
        return Line("exit", "bad", f"{n} {verb}. {bought}.", data=dict(d, stake=stake))

    def end(self, d: dict) -> Line:
        """The venture ends, or is reformed."""
        state, how, who = d["state"], d["how"], d["who"]
        text = {
            "acquired": f"The venture ends: {who} now owns it alone.",
            "liquidated": "The venture ends: fewer than two partners are left; it is dissolved.",
            "wind_up": f"The venture ends: {who} has it wound up.",
            "reform": "The partners vote to reform the venture into a single-leader company "
            f"led by {who}.",
        }.get(how, f"The venture ends ({state}, {how}).")
        return Line("end", "bad" if state != "reformed" else "struct", text, data=dict(d))

    def other(self, kind: str, d: dict) -> Line:
        """Board meetings, joiners, outside-option shocks, distress, the leader."""
        if kind == "board_meeting":
            return Line(kind, "quiet", "The board meets.")
        if kind == "joined":
            self.stakes[d["partner"]] = d["stake"]
            return Line(
                kind,
                "struct",
                f"{d['partner']} joins with a {pct(d['stake'])} stake.",
                data=dict(d),
            )
        if kind == "outside_option":
            title = f" ({d['title']})" if d.get("title") else ""
            return Line(
                kind,
                "warn",
                f"{d['partner']}'s outside option moves by {d['change']:+.2f} to "
                f"{d['value']:.2f}{title}.",
                data=dict(d),
            )
        if kind == "distress":
            f = self.s.state_funder
            if d["on"]:
                veto = " and a veto" if f and f.votes.veto_in_distress else ""
                share = f.votes.distress if f else 0.0
                text = (
                    f"The venture is in distress: {d['funder']}'s golden share now gives it "
                    f"{pct(share)} of board votes{veto}."
                )
            else:
                text = f"The distress is over: {d['funder']}'s votes fall back."
            return Line(kind, "warn", text, data=dict(d))
        if kind == "leader":
            months = self.s.leader.months
            role = (
                "the designated leader, leads in fact too"
                if d["designated"]
                else ("is now the de facto leader")
            )
            return Line(
                kind,
                "struct",
                f"{d['partner']} {role}: its influence share has stayed at or above "
                f"{pct(d['threshold'])} since month {d['since']} ({months} months).",
                data=dict(d),
            )
        told = self.restructuring(kind, d)
        if told is not None:
            return Line(kind, "struct", told, data=dict(d))
        return Line(kind, "plain", f"{kind}: {d}", data={})

    def restructuring(self, kind: str, d: dict) -> str | None:
        """A sentence for the restructuring events of real consortia (or None)."""
        title = f" ({d['title']})" if d.get("title") else ""
        if kind == "transfer":
            return f"{d['seller']} sells {pct(d['stake'])} of the equity to {d['buyer']}{title}."
        if kind == "equity_issue":
            return f"New equity is issued to {d['subscriber']}{title}."
        if kind == "rescue":
            paid = ", ".join(f"{n} {x:,.4g}" for n, x in d["paid"].items())
            return f"Rescue led by {d['by']}{title}: paid in {paid}."
        if kind == "governance_change":
            return f"The governance changes{title}: {d['change']}."
        if kind == "performance":
            return (
                f"Performance shock{title}: every holder's monthly value moves by "
                f"{d['change']:+.2f} for {d['months']} months."
            )
        if kind == "dormant_votes":
            return f"{pct(d['fraction'])} of {d['partner']}'s shares now carry no votes."
        if kind == "option_exercised":
            return f"{d['holder']} exercises its {d['option']} option."
        return None

    def influence(self, month: int) -> Line | None:
        """A line when influence shares moved enough since the last one told."""
        row = self.v.influence_history[month - 1]
        names = [h.name for h in self.v.holders]
        before = self.shown_influence
        if max(abs(a - b) for a, b in zip(row, before, strict=True)) < INFLUENCE_STEP:
            return None
        self.shown_influence = [float(x) for x in row]
        parts = []
        for name, now, was in sorted(zip(names, row, before, strict=True), key=lambda t: -t[1]):
            if not now > 0 and not was > 0:
                continue  # not in the venture (NaN: before joining or after leaving) or nil
            if now != now:
                parts.append(f"{name} gone")
                continue
            delta = round(100 * (now - was)) if was == was else 0
            parts.append(f"{name} {pct(now)}" + (f" ({delta:+d})" if delta else ""))
        return Line(
            "influence",
            "quiet",
            "Influence: " + ", ".join(parts) + ".",
            data={"shares": {n: float(x) for n, x in zip(names, row, strict=True)}},
        )


def tell(venture: Venture, months: int | None = None) -> list[Month]:
    """The story of a finished venture that recorded its events.

    Args:
        venture: a venture run with ``record_events=True``.
        months: tell only the first ``months`` months (all when None).

    Returns:
        One :class:`Month` per month in which something happened, in order.
    """
    t = Teller(venture)
    last = venture.month if months is None else min(months, venture.month)
    by_month: dict[int, list] = {}
    for e in venture.log.events:
        by_month.setdefault(e.month, []).append(e)
    story = []
    for m in range(0, last + 1):
        events = by_month.get(m, [])
        month = Month(m, any(e.kind == "board_meeting" for e in events))
        for e in events:
            line = _line(t, e.kind, e.data, m, month.lines[-1] if month.lines else None)
            if line is not None and e.kind != "board_meeting":
                month.lines.append(line)
        if 1 <= m <= len(venture.influence_history) and m % 3 == 0:
            shift = t.influence(m)
            if shift is not None:
                month.lines.append(shift)
        if month.lines:
            story.append(month)
    return story


def _line(t: Teller, kind: str, d: dict, m: int, previous: Line | None) -> Line | None:
    if kind == "arrival":
        return t.arrival(d)
    if kind == "meeting":
        return t.meeting(d, m)
    if kind == "no_proposal":
        return t.no_proposal(d)
    if kind == "chair":
        return t.chair(d)
    if kind == "decision":
        return t.decision(d)
    if kind in ("deadlock_notice", "escalation_failed", "mediation", "mediation_failed", "clause"):
        return t.deadlock(kind, d)
    if kind == "dropped":
        return t.dropped(d, previous)
    if kind == "side_funding":
        return t.side_funding(d)
    if kind == "capital_call":
        return t.capital_call(d)
    if kind == "exit_announced":
        return t.exit_announced(d, m)
    if kind == "exit":
        return t.exit(d)
    if kind == "end":
        return t.end(d)
    return t.other(kind, d)
