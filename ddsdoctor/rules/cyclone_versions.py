"""Cyclone DDS settings that depend on the release (DD710-DD714).

Cyclone renames and retires settings between releases. Old names are either still read with a
warning (deprecated, alias, moved) or rejected as "unknown element", and new settings are
rejected by older releases: a file written from the current documentation fails on the
Cyclone a ROS 2 distribution ships (rmw_cyclonedds#467). The version facts and how they were
checked are in ``ddsdoctor/cyclone/history.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.cyclone.load import CycloneDocument
from ddsdoctor.cyclone.structure import IssueKind
from ddsdoctor.findings import Severity
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.rules.cyclone_schema import hits, to_hit


@rule("DD710", "cyclone.rejected-by-0-10", Severity.INFO, Subject.CYCLONE)
def rejected_by_010(doc: CycloneDocument) -> Iterator[Hit]:
    """A setting that Cyclone DDS 0.10 (ROS 2 Humble) does not know: it would refuse the file.

    The XSD and documentation describe the newest Cyclone. Settings added in 0.11/11.0 (for
    example ``PubSubMessageExchange``, ``NetworkInterface[@allow_multicast]``,
    ``AddrsetCosts``, ``Peers[@AddLocalhost]``) are "unknown element" or "unknown attribute"
    to 0.10.x, so the same file makes participant creation fail there. The value ``default`` of
    ``Discovery/ParticipantIndex`` is also new (0.10: "not a decimal integer"). Informational:
    ignore it when every node runs 11.0 or later.

    Fix: keep the file to settings of the oldest Cyclone in the deployment, or upgrade.

    Reference: checked against Cyclone DDS 0.10.2 (Debian) and 11.0.1 (PyPI) in a network
    namespace; ``ddsdoctor/cyclone/history.py``.
    """
    for i in doc.issues:
        if i.kind is IssueKind.INTRODUCED and i.evidence.get("rejected_by") != "0.8":
            yield to_hit(i)
    for el in doc.find("CycloneDDS/Domain/Discovery/ParticipantIndex"):
        if (doc.value(el) or "").lower() == "default":
            yield Hit(
                "ParticipantIndex 'default' needs Cyclone DDS 0.11/11.0 or later; Cyclone 0.10 "
                "rejects the configuration ('default: not a decimal integer')",
                at=el,
                text=True,
                hint="use 'auto' (or 'none') on 0.10",
            )


@rule("DD711", "cyclone.rejected-by-0-8", Severity.INFO, Subject.CYCLONE, default_enabled=False)
def rejected_by_08(doc: CycloneDocument) -> Iterator[Hit]:
    """A setting that Cyclone DDS 0.8 and older (ROS 2 Galactic, Foxy) reject.

    ``General/Interfaces`` (0.10's replacement for ``NetworkInterfaceAddress``) and
    ``Internal/SocketReceiveBufferSize``/``SocketSendBufferSize`` are "unknown element" to
    0.8.x, the release ROS 2 Galactic ships; users hit this when a configuration written for
    Humble is used on an older robot (rmw_cyclonedds#467). Select this rule when such nodes
    are still in service.

    Fix: for 0.8 use ``General/NetworkInterfaceAddress`` and
    ``Internal/MinimumSocketReceiveBufferSize``, or upgrade the old nodes.

    Reference: ros2/rmw_cyclonedds#467; iRobotEducation/create3_docs#229.
    """
    for i in doc.issues:
        if i.kind is IssueKind.INTRODUCED and i.evidence.get("rejected_by") == "0.8":
            yield to_hit(i)


@rule("DD712", "cyclone.deprecated-setting", Severity.WARNING, Subject.CYCLONE)
def deprecated_setting(doc: CycloneDocument) -> Iterator[Hit]:
    """A deprecated setting: Cyclone still reads it but warns, and it may have no effect.

    Examples: ``General/PreferMulticast``, ``Internal/AssumeMulticastCapable`` (use the
    ``NetworkInterface`` attributes), ``Internal/ScheduleTimeRounding`` (ignored), and in
    Cyclone 11 the whole iceoryx ``SharedMemory`` section, replaced by PSMX plugins: with
    ``SharedMemory/Enable`` true, Cyclone 11 loads the ``psmx_iox`` plugin and refuses to start
    when it is not installed. ``NetworkInterfaceAddress`` has its own rule (DD740).

    Fix: use the replacement named in the hint, or delete the setting.

    Reference: ``DEPRECATED(...)`` entries of ``ddsi__cfgelems.h``; checked with 0.10.2 and
    11.0.1.
    """
    for i in doc.issues:
        if i.kind is not IssueKind.DEPRECATED:
            continue
        entry = doc.structure.legacy_of.get(i.element) if i.attr is None else None
        if entry is not None and entry.name == "NetworkInterfaceAddress":
            continue  # DD740
        hit = to_hit(i)
        shm = entry is not None and entry.name == "Enable" and entry.parent.endswith("SharedMemory")
        if shm and (doc.value(i.element) or "").lower() == "true":
            hit = Hit(
                hit.message + "; with Enable true, Cyclone 11 loads the psmx_iox plugin and "
                "refuses to start when it is not installed",
                at=hit.at,
                hint=hit.hint,
                evidence=hit.evidence,
            )
        yield hit


@rule("DD713", "cyclone.moved-setting", Severity.WARNING, Subject.CYCLONE)
def moved_setting(doc: CycloneDocument) -> Iterator[Hit]:
    """A setting under its old name or place: Cyclone still reads it but warns.

    Cyclone processes moved settings at their new place and logs ``setting moved to //...``
    (``Internal/MinimumSocketReceiveBufferSize`` became
    ``Internal/SocketReceiveBufferSize[@min]``, ``Domain/Id`` became ``Domain[@Id]``,
    sections directly under ``<CycloneDDS>`` moved into ``<Domain>``); deprecated aliases
    (``EnableCategory``, ``WhcAdaptative``, ``Unsupported``) log ``deprecated alias``. The
    file works today, but the old names are what the next release removes.

    Fix: write the setting as named in the hint.

    Reference: ``MOVED(...)`` and ``"New|Old"`` entries of ``ddsi__cfgelems.h``.
    """
    yield from hits(doc, IssueKind.MOVED)


@rule("DD714", "cyclone.removed-setting", Severity.ERROR, Subject.CYCLONE)
def removed_setting(doc: CycloneDocument) -> Iterator[Hit]:
    """A setting Cyclone no longer has (or an OpenSplice one): it refuses the configuration.

    Settings of older Cyclone releases that were removed, such as the iceoryx-era
    ``SharedMemory/SubQueueCapacity`` or ``Internal/UnicastResponseToSPDPMessages`` (gone in
    11.0), and OpenSplice DDSI2 settings carried over when porting an OpenSplice configuration
    (``StartupModeDuration``, ``ResponsivenessTimeout``, ``Discovery/DomainId``, ...) are
    "unknown element": Cyclone refuses the whole file. The message says which release dropped it.

    Fix: delete the element, or use the replacement named in the hint.

    Reference: ``ddsdoctor/cyclone/history.py`` (each entry checked against 0.10.2 and 11.0.1);
    OpenSplice 6.x ``splice_metaconfig`` for the DDSI2 names.
    """
    yield from hits(doc, IssueKind.REMOVED)
