"""Change policy: a breaking change to schema.graphql must be named in CHANGELOG.md.

The committed schema is compared with the schema of the previous commit (``git show
HEAD~1:schema.graphql``) by graphql-core's ``find_breaking_changes``; every breaking change must
name its schema element (``Type.field``, ``Type.field(argument)``, ``Type`` or ``Enum.VALUE``)
in CHANGELOG.md. Removals should go through ``@deprecated`` first; a removal without it is a
breaking change like any other and must be named. With no previous commit (a fresh history or
a shallow clone) there is nothing to compare and the check passes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from graphql import build_schema, find_breaking_changes

ROOT = Path(settings.BASE_DIR)


def previous_schema(root: Path = ROOT) -> str | None:
    """schema.graphql of HEAD~1, or None without a previous commit holding it."""
    if shutil.which("git") is None or not (root / ".git").exists():
        return None
    shown = subprocess.run(
        ["git", "show", "HEAD~1:schema.graphql"], cwd=root, capture_output=True, text=True
    )
    return shown.stdout if shown.returncode == 0 else None


def element_of(description: str) -> str:
    """The schema element a breaking change is about, as graphql-core names it:
    "Field Query.series changed type ..." → ``Query.series``; "Argument Query.bids(filters:) has
    changed type ..." → ``Query.bids(filters:)``; "BiddingZoneCode was removed." →
    ``BiddingZoneCode``; "LARGE was removed from union type U." → ``U.LARGE``."""
    match = re.match(r"(\w+) was removed from (?:enum|union) type (\w+)", description)
    if match:
        return f"{match.group(2)}.{match.group(1)}"
    dotted = re.search(r"\b[A-Z_a-z]\w*\.\w+(?:\(\w+:\))?", description)
    if dotted:
        return dotted.group(0)
    return description.split()[0]


def is_named(element: str, changelog: str) -> bool:
    """Named as the element itself or, for an argument, as its field (``Query.bids``)."""
    candidates = {element, element.split("(")[0]}
    return any(re.search(rf"(?<![\w.]){re.escape(c)}(?![\w(])", changelog) for c in candidates)


def unnamed_breaking_changes(old_sdl: str, new_sdl: str, changelog: str) -> list[str]:
    changes = find_breaking_changes(build_schema(old_sdl), build_schema(new_sdl))
    return [
        change.description
        for change in changes
        # a built-in scalar no field uses any more is dropped from the printed schema: harmless
        if not change.description.startswith("Standard scalar ")
        and not is_named(element_of(change.description), changelog)
    ]


def test_breaking_changes_since_the_previous_commit_are_named_in_the_changelog():
    old = previous_schema()
    if old is None:
        pytest.skip("no previous commit with schema.graphql to compare with")
    new = (ROOT / "schema.graphql").read_text()
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert unnamed_breaking_changes(old, new, changelog) == [], (
        "schema.graphql has breaking changes not named in CHANGELOG.md: name each element "
        "(e.g. `Site.biddingZone`) under the date, or deprecate instead of removing"
    )


OLD = """
type Query { site(id: ID!): Site!  sites: [Site!]! }
type Site { name: String!  zone: String  legacy: Int @deprecated(reason: "use zone") }
enum Kind { LARGE HOUSEHOLD }
input SiteInput { name: String! }
"""


def test_removed_field_is_reported_unless_named():
    new = OLD.replace('legacy: Int @deprecated(reason: "use zone")', "")
    assert unnamed_breaking_changes(OLD, new, "") == ["Field Site.legacy was removed."]
    assert (
        unnamed_breaking_changes(OLD, new, "- `Site.legacy` removed (deprecated since May)") == []
    )


def test_changed_type_removed_enum_value_and_new_required_input_are_reported():
    new = (
        OLD.replace("zone: String", "zone: Int")
        .replace("LARGE HOUSEHOLD", "LARGE")
        .replace("name: String! }\n", "name: String!  zone: String! }\n")
    )
    assert sorted(unnamed_breaking_changes(OLD, new, "")) == sorted(
        [
            "Field Site.zone changed type from String to Int.",
            "Enum value Kind.HOUSEHOLD was removed.",
            "A required field SiteInput.zone was added.",
        ]
    )
    named = "`Site.zone` is an Int; `Kind.HOUSEHOLD` gone; `SiteInput.zone` required"
    assert unnamed_breaking_changes(OLD, new, named) == []


def test_removed_types_and_union_members_name_the_type():
    old = "type Query { a: A  u: U } type A { x: Int } type B { y: Int } union U = A | B"
    new = "type Query { a: Int  u: U } type B { y: Int } union U = B"
    assert sorted(element_of(c) for c in unnamed_breaking_changes(old, new, "")) == [
        "A",
        "Query.a",
        "U.A",
    ]


def test_a_longer_name_does_not_count_as_naming_a_shorter_one():
    assert not is_named("Site.zone", "`Site.zoneCode` renamed")
    assert not is_named("Site", "`MySite` changed")
    assert is_named("Query.bids(filters:)", "`Query.bids` takes new filters")


def test_additions_are_not_breaking():
    new = OLD.replace("sites: [Site!]!", "sites: [Site!]!  pool: String")
    assert unnamed_breaking_changes(OLD, new, "") == []
