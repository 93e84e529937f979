"""Types for the probe's late joiners: learnt over XTypes, or a stand-in matched by name.

The probe never decodes a sample: it takes the serialized bytes and counts them, so any type
that makes the reader match the writer will do.

* ``xtypes``: the writer announced type information; the type is fetched with the XTypes
  TypeLookup service (``cyclonedds.dynamic.get_types_for_typeid``, ~16 ms in the rig).
* ``name-only``: the writer announced none (OpenSplice, Fast DDS 2.9). Those vendors and
  Cyclone then match endpoints on the type *name* alone (opensplice-facts §10), so a one-byte
  stand-in struct with the same name matches, provided it has the writer's topic kind: Cyclone
  (and Fast DDS) never match a keyed writer with a keyless reader or the reverse. The kind is
  in the writer's GUID (entity kind 0x02 keyed, 0x03 keyless; RTPS 2.2 §9.3.1.2). A keyed
  stand-in takes the first byte of each sample as its key: instances are wrong, but a KEEP_ALL
  reader keeps every sample, which is all counting needs.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger(__name__)

TYPE_SOURCE_XTYPES = "xtypes"
TYPE_SOURCE_NAME = "name-only"


class TypeUnavailable(Exception):
    """No type could be had for a topic; the message is the reason shown to the user."""


def fetch_xtypes(participant: Any, type_id: Any, timeout_s: float) -> Any:
    """Resolve a writer's TypeIdentifier to a Python type over the wire (blocking, GIL-free)."""
    from cyclonedds.core import DDSException
    from cyclonedds.dynamic import get_types_for_typeid
    from cyclonedds.util import duration

    try:
        cls, _deps = get_types_for_typeid(participant, type_id, duration(seconds=timeout_s))
    except DDSException as exc:
        raise TypeUnavailable(f"XTypes type lookup failed: {exc}") from None
    except Exception as exc:  # the interpreter of type objects is cyclonedds' own code
        log.debug("type lookup crashed", exc_info=True)
        what = f"{type(exc).__name__}: {exc}"
        raise TypeUnavailable(f"XTypes type object not usable: {what}") from None
    return cls


def keyed_writer(guid: str) -> bool:
    """Whether a writer's topic has a key, from its GUID's entity kind (0x02 yes, 0x03 no)."""
    return guid[-2:].lower() != "03"


def stand_in(type_name: str, keyed: bool) -> Any:
    """A one-byte struct registered under the writer's type name, keyed like its topic."""
    from cyclonedds.idl import make_idl_struct
    from cyclonedds.idl.types import uint8

    ident = re.sub(r"\W", "_", type_name) or "T"
    return make_idl_struct(
        f"DdsdoctorStandIn{'Keyed' if keyed else ''}_{ident}",
        type_name,
        {"opaque": uint8},
        field_annotations={"opaque": {"key": True}} if keyed else None,
    )
