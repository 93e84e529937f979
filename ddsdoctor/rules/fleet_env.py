"""A node's environment against the variables its configuration reads (DD614)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.fleet import Fleet, FleetNode
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.rules.partitions import edit_distance


def config_variables(node: FleetNode) -> dict[str, tuple[Any, str | None, str]]:
    """Every variable the node's file references -> (element, attribute, the reference text)."""
    out: dict[str, tuple[Any, str | None, str]] = {}
    doc = node.doc
    if doc is None:
        return out
    for el, attr, exp in doc.expansions():
        for ref in exp.refs:
            out.setdefault(ref.name, (el, attr, ref.text))
    return out


def similar(a: str, b: str) -> bool:
    """Names one slip apart: a token added or dropped (LSST_DOMAIN_ID, LSST_DDS_DOMAIN_ID), or
    at most two characters different."""
    if a == b:
        return False
    ta, tb = a.split("_"), b.split("_")
    if abs(len(ta) - len(tb)) == 1:
        short, long_ = (ta, tb) if len(ta) < len(tb) else (tb, ta)
        if all(t in long_ for t in short) and len(short) >= 2:
            return True
    return min(len(a), len(b)) >= 6 and edit_distance(a, b) <= 2


@rule("DD614", "fleet.env-variable-typo", Severity.WARNING, Subject.FLEET)
def env_variable_typo(fleet: Fleet) -> Iterator[Hit]:
    """A node sets a variable its configuration never reads, next to a similar one it does read.

    ``${VAR}`` references only see the exact name. A deployment that sets ``LSST_DOMAIN_ID``
    for a file that reads ``${LSST_DDS_DOMAIN_ID:-0}`` silently runs with the default: here
    domain 0 whatever the chart's ``domainId`` says. Rubin's ospl-main-daemon chart sets
    ``LSST_DOMAIN_ID`` and ``LSST_DOMAIN_NAME`` while the ts_ddsconfig files read
    ``LSST_DDS_DOMAIN_ID`` and ``LSST_DDS_DOMAIN_NAME``.

    Fix: rename the variable in the deployment (or the reference in the file) so they match.

    Reference: OpenSplice ``ut_expand_envvars.c`` (exact names); facts §2.
    """
    for node in fleet.loaded():
        used = config_variables(node)
        env = node.spec.env
        for name in env:
            if name in used:
                continue
            for wanted, (el, attr, text) in used.items():
                if env.get(wanted) or not similar(name, wanted):
                    continue
                exp = node.doc.expansion(el, attr) if node.doc is not None else None
                value = exp.value if exp is not None else None
                yield Hit(
                    f"{node.name} sets {name}, which its configuration never reads, but not "
                    f"{wanted}, which it does ({text}): the value {env[name]!r} is ignored and "
                    f"the setting uses {value!r}",
                    location=node.where(el, attr, text=attr is None),
                    hint=f"rename {name} to {wanted} in the node's environment",
                    evidence={"set": name, "read": wanted},
                )
