"""JUnit XML: one testsuite per file (or subject), one failing testcase per finding."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from ddsdoctor.findings import Finding
from ddsdoctor.report import ReportContext


def _suite_name(f: Finding) -> str:
    loc = f.location
    return loc.path or loc.node or loc.topic or "ddsdoctor"


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    suites: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        suites[_suite_name(f)].append(f)
    total = len(findings)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="ddsdoctor" tests="{max(total, 1)}" failures="{total}" errors="0">',
    ]
    if not suites:
        out.append('  <testsuite name="ddsdoctor" tests="1" failures="0" errors="0">')
        out.append(f'    <testcase name="No problems found" classname="ddsdoctor.{ctx.command}"/>')
        out.append("  </testsuite>")
    for name, items in sorted(suites.items()):
        out.append(
            f'  <testsuite name={quoteattr(name)} tests="{len(items)}" '
            f'failures="{len(items)}" errors="0" package="org.ddsdoctor">'
        )
        for f in items:
            loc = f.location
            attrs = f"name={quoteattr(f'org.ddsdoctor.{f.code}')} classname={quoteattr(name)}"
            if loc.line:
                attrs += f' line="{loc.line}"'
            if loc.column:
                attrs += f' column="{loc.column}"'
            where = f"line {loc.line}, col {loc.column}, " if loc.line else ""
            body = f"{where}{f.code} {f.name}: {f.message}"
            if f.hint:
                body += f"\nhelp: {f.hint}"
            out.append(f"    <testcase {attrs}>")
            out.append("      <properties>")
            out.append(f'        <property name="severity" value="{f.severity.label}"/>')
            if loc.xpath:
                out.append(f'        <property name="xpath" value={quoteattr(loc.xpath)}/>')
            out.append("      </properties>")
            out.append(
                f"      <failure message={quoteattr(f.message)} type={quoteattr(f.code)}>"
                f"{escape(body)}</failure>"
            )
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
