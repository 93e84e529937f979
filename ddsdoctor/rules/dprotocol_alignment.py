"""Historical-data alignment timing from sample requests and chains (DD956, DD957), and the
observation itself: damaged capture, undecodable samples, no protocol traffic (DD980-DD982).
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.durability.messages import Completeness
from ddsdoctor.durability.view import Alignment, DurabilityView
from ddsdoctor.findings import Severity
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.rules.dprotocol_views import location, when


def _asked(view: DurabilityView, a: Alignment) -> str:
    return "every aligner" if a.addressee == 0 else view.label(a.addressee)


@rule("DD956", "dprotocol.request-unanswered", Severity.ERROR, Subject.DURABILITY)
def request_unanswered(view: DurabilityView) -> Iterator[Hit]:
    """A sample request got no complete answer within the timeout, or the aligner refused it.

    A durability service aligns a group by sending a ``d_sampleRequest`` to an aligner (its
    master, or every candidate aligner when none is complete) and waits for a chain of BEADs
    closed by a LINK. While the answer is missing the group stays incomplete, the service
    stays before COMPLETE and the applications' ``wait_for_historical_data`` runs into its
    timeout (the tech note's HRTO). A LINK with completeness KNOWLEDGE_UNDEFINED means "I will
    not align you": the requester drops that aligner. An aligner that died leaves the request
    open until the requester asks another one. The wire latency of a healthy alignment is
    mostly the aligner's RequestCombinePeriod (0.5 s Initial / 0.01 s Operational by default).

    Fix: find out why the aligner does not answer (it left, it is overloaded, it lacks the
    group: see DD953/DD954); ``--timeout`` sets how long a request may stay open.

    Reference: opensplice-durability-protocol.md §9.1-§9.3; tech note "historical read timeout".
    """
    end = view.end
    for a in view.alignments:
        refused = [
            ln
            for ln in a.links
            if ln.completeness is Completeness.KNOWLEDGE_UNDEFINED and ln.aligner in a.expected
        ]
        if refused:
            ln = refused[0]
            yield Hit(
                f"{view.label(ln.aligner)} refused to align {view.label(a.requester)} for group "
                f"'{a.group}' (LINK completeness KNOWLEDGE_UNDEFINED)",
                location=location(view, ln.time, [a.requester, ln.aligner], frame=a.frame),
                evidence={"requester": a.requester, "group": a.group, "aligner": ln.aligner},
            )
            continue
        if a.complete or end is None or end - a.requested_at < view.limits.timeout_s:
            continue
        req = view.fellow(a.requester)
        if (
            req is not None
            and req.left_at is not None
            and (req.left_at < a.requested_at + view.limits.timeout_s)
        ):
            continue  # the requester left before the timeout: nobody waits any more
        missing = [x for x in a.expected if x not in {ln.aligner for ln in a.links}]
        yield Hit(
            f"{view.label(a.requester)} asked {_asked(view, a)} for group '{a.group}' at "
            f"{when(view, a.requested_at)} and got no complete answer in "
            f"{end - a.requested_at:.1f} s (no LINK from "
            f"{', '.join(view.label(x) for x in missing) or 'anyone'})",
            location=location(
                view,
                a.requested_at,
                [a.requester, *missing],
                topic="d_sampleRequest",
                frame=a.frame,
            ),
            evidence={
                "requester": a.requester,
                "group": a.group,
                "addressee": a.addressee,
                "waiting_for": missing,
                "beads": sum(ln.beads for ln in a.links),
            },
        )


@rule("DD957", "dprotocol.slow-alignment", Severity.WARNING, Subject.DURABILITY)
def slow_alignment(view: DurabilityView) -> Iterator[Hit]:
    """Historical-data alignment of a group took longer than ``--slow``.

    Latency is measured on the wire from the ``d_sampleRequest`` to the last LINK that
    completes its chain (it matched the requesters' own logs within 20 ms in the lab). It is
    mostly configured delay: the aligner holds each request for its RequestCombinePeriod
    (Initial while it is not COMPLETE, Operational once it is) to answer several requesters
    with one chain. Anything beyond that is a busy aligner, retransmissions or a large group,
    and it adds directly to the start-up time of every late joiner.

    Fix: keep RequestCombinePeriod small; make the master a dedicated node; check for loss
    between requester and aligner.

    Reference: opensplice-durability-protocol.md §9.2-§9.3.
    """
    for a in view.alignments:
        lat = a.latency_s
        if lat is None or lat <= view.limits.slow_s:
            continue
        aligner = view.fellow(a.aligner) if a.aligner else None
        state = aligner.state_at(a.requested_at) if aligner else None
        note = (
            f"; the aligner was {state.name} (the Initial RequestCombinePeriod applies until "
            "COMPLETE)"
            if state is not None and not state.operational
            else ""
        )
        yield Hit(
            f"{view.label(a.requester)} waited {lat:.2f} s for group '{a.group}' from "
            f"{view.label(a.aligner)} ({a.samples} sample(s)){note}",
            location=location(
                view, a.requested_at, [a.requester], topic="d_sampleChain", frame=a.frame
            ),
            evidence={
                "requester": a.requester,
                "group": a.group,
                "aligner": a.aligner,
                "latency_s": round(lat, 6),
                "samples": a.samples,
            },
        )


@rule("DD980", "dprotocol.capture-damaged", Severity.ERROR, Subject.DURABILITY)
def capture_damaged(view: DurabilityView) -> Iterator[Hit]:
    """The capture could not be read to its end; the view covers only what came before.

    A file cut short (a capture killed without flushing, a full disk) or corrupt in the middle
    is read up to the damage and the view is built from that part. Beliefs and alignments
    after the cut are missing, which can also hide departures.

    Fix: stop captures with SIGINT (tcpdump -U writes whole packets), re-capture.

    Reference: docs/wire.md (capture readers never raise on content).
    """
    if view.capture_problem:
        yield Hit(view.capture_problem, location=location(view, view.end))


@rule("DD981", "dprotocol.undecodable", Severity.WARNING, Subject.DURABILITY)
def undecodable(view: DurabilityView) -> Iterator[Hit]:
    """Durability protocol samples did not decode and were left out of the view.

    Every ``d_*`` sample of the lab captures decoded to the last byte, so a sample that does
    not is either damaged or from an OpenSplice version whose types differ (client durability
    topics, Y2038 mode, a future layout). The view misses what those samples said.

    Fix: report the OpenSplice version and the sample (``--save-timeline`` keeps the rest).

    Reference: opensplice-durability-protocol.md §4-§6.
    """
    if view.undecodable:
        t, writer, why = view.undecodable[0]
        yield Hit(
            f"{len(view.undecodable)} durability protocol sample(s) did not decode; first from "
            f"writer {writer}: {why}",
            location=location(view, t),
            evidence={"count": len(view.undecodable), "first": why},
        )


@rule("DD982", "dprotocol.no-traffic", Severity.WARNING, Subject.DURABILITY)
def no_traffic(view: DurabilityView) -> Iterator[Hit]:
    """No durability protocol sample was seen at all.

    The ``d_*`` topics live in the durability partition (``durabilityPartition`` unless
    ``DurabilityService/EntityNames/Partition`` says otherwise). No sample means no OpenSplice
    durability service was active where and when the observation ran: the capture was taken
    on another interface or VLAN, the partition name differs (``--partition``), the nodes
    run without durability, or (live) this host does not receive their multicast.

    Fix: capture on the bridge or switch port the nodes use, check ``--partition``.

    Reference: opensplice-durability-protocol.md §1.
    """
    if view.samples == 0 and not view.capture_problem:
        yield Hit(
            f"no durability protocol sample in partition '{view.partition}' was observed",
            location=location(view, view.start),
        )
