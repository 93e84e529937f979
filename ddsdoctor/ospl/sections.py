"""Which service sections a configuration really runs, tolerating commands set by variables.

``OsplDocument.running_sections`` maps each enabled ``Domain/Service`` to its section through
its ``Command``. Test and deployment configs often write ``<Command>${OSPL_DEXEC}</Command>``;
checked without that variable the command is empty and nothing would be judged. OpenSplice
accepts any executable as long as a section with the service's name exists, so a service whose
command is empty or unknown after expansion is matched to the section of the wanted kind that
carries its name.
"""

from __future__ import annotations

from typing import Any

from ddsdoctor.ospl.load import SERVICE_COMMANDS, OsplDocument


def active_sections(doc: OsplDocument, tag: str) -> list[Any]:
    """Sections of kind ``tag`` that an enabled Domain/Service runs (once per document)."""
    return doc.cached(("active", tag), lambda: _active_sections(doc, tag))


def _active_sections(doc: OsplDocument, tag: str) -> list[Any]:
    out = list(doc.running_sections(tag))
    for svc in doc.services():
        if not svc.enabled or svc.name is None or svc.command_key in SERVICE_COMMANDS:
            continue
        for el in doc.sections(tag):
            if doc.attr(el, "name") == svc.name and el not in out:
                out.append(el)
    return out
