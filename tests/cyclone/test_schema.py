"""The configuration model read from the shipped XSD."""

from __future__ import annotations

from pathlib import Path

from ddsdoctor.cyclone import schema as s
from ddsdoctor.cyclone.schema import Kind, load_schema


def test_xsd_is_package_data_and_matches_the_reference(reference: Path) -> None:
    shipped = s.xsd_bytes()
    assert shipped == (reference / "cyclonedds" / "cyclonedds-master-4c1beb2.xsd").read_bytes()
    data = Path(s.__file__).parent / "data"
    assert (data / "cyclonedds.xsd").is_file()
    assert "BSD-3-Clause" in (data / "LICENSE-cyclonedds.txt").read_text()


def test_tree_shape() -> None:
    m = load_schema()
    assert m.root.name == "CycloneDDS"
    domain = m.root.child("DOMAIN")  # Cyclone matches names case-insensitively
    assert domain is not None and domain.repeatable  # one section per domain id
    assert domain.attr("id") is not None and domain.attr("id").value.kind is Kind.DOMAIN_ID
    peer = m.find("CycloneDDS/Domain/Discovery/Peers/Peer")
    assert peer is not None and peer.repeatable and peer.is_group
    assert peer.attr("address").required
    iface = m.find("cyclonedds/domain/general/interfaces/networkinterface")
    assert iface is not None and iface.repeatable
    assert iface.attr("multicast").value.choices == ("default", "true", "false")
    assert iface.attr("priority").value.kind is Kind.MAYBE_INT


def test_value_types() -> None:
    m = load_schema()
    allow = m.find("CycloneDDS/Domain/General/AllowMulticast").value
    assert allow.kind is Kind.KEYWORDS and allow.solo == ("default",)
    assert {"false", "spdp", "asm", "ssm", "true"} <= set(allow.choices)
    assert m.find("CycloneDDS/Domain/General/MaxMessageSize").value.kind is Kind.MEMSIZE
    hb = m.find("CycloneDDS/Domain/Internal/HeartbeatInterval")
    assert hb.value.kind is Kind.DURATION and hb.value.allow_inf and hb.attr("max") is not None
    naming = m.find("CycloneDDS/Domain/General/EntityAutoNaming")
    assert naming.value.choices == ("empty", "fancy") and naming.attr("seed") is not None
    assert (
        m.find("CycloneDDS/Domain/Discovery/ParticipantIndex").value.kind is Kind.PARTICIPANT_INDEX
    )
    assert m.find("CycloneDDS/Domain/Discovery/MaxAutoParticipantIndex").default == "99"
    category = m.find("CycloneDDS/Domain/Tracing/Category").value
    assert category.allow_empty and "trace" in category.choices


def test_required_children_and_misplacement_index() -> None:
    m = load_schema()
    auth = m.find("CycloneDDS/Domain/Security/Authentication")
    required = {c.name for c in auth.children.values() if c.required}
    assert required == {"IdentityCA", "IdentityCertificate", "PrivateKey"}
    assert not any(c.required for c in m.find("CycloneDDS/Domain/General").children.values())
    places = [p.parent_path for p in m.places("allowmulticast")]
    assert places == ["CycloneDDS/Domain/General"]
    assert len(m.places("Enable")) == 2  # SSL/Enable and TCP/Enable


def test_xml_schema_compiles_once() -> None:
    assert s.xml_schema() is s.xml_schema()
