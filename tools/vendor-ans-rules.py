#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Copy the official ANS rule files cdaimg evaluates, unchanged, from a checkout of the ANS
repository ansforge/TestContenuCDA-3-0 into schemas/ans-schematrons/, keeping the ANS layout.

    tools/vendor-ans-rules.py ANS_TREE [DEST]

What is copied: the volumes and profiles listed below, every file they include (transitively),
and the value-set files their lets name (read with document()). Includes that do not exist in
the ANS tree are reported and skipped, as the ANS engine skips them. Run it for a new ANS
release, then update the provenance in schemas/README.md and run the tests.
"""
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET

SCH = "{http://purl.oclc.org/dsdl/schematron}"
TOP = [
    "schematrons/CI-SIS_IMG-CR-IMG_2024.01.sch",
    "schematrons/CI-SIS_IMG-DA-IMG_2024.01.sch",
    "schematrons/profils/IHE.sch",
    "schematrons/profils/CI-SIS_ModelesDeContenusCDA.sch",
    "schematrons/profils/CI-SIS_Modeles_ANS.sch",
]


def closure(tree, top):
    """The files a top schematron brings (itself, its includes), and the value sets it names."""
    files, valuesets, missing = [], set(), []
    todo = [top]
    base = os.path.dirname(os.path.join(tree, top))
    while todo:
        rel = todo.pop()
        if rel in files:
            continue
        path = os.path.join(tree, rel)
        if not os.path.exists(path):
            missing.append(rel)
            continue
        files.append(rel)
        root = ET.parse(path).getroot()
        for inc in root.iter(SCH + "include"):
            href = inc.get("href", "").split("#")[0]
            target = os.path.normpath(os.path.join(os.path.dirname(rel), href))
            todo.append(target)
        for let in root.iter(SCH + "let"):
            for lit in re.findall(r"'([^']+\.xml)'", let.get("value", "")):
                vs = os.path.normpath(os.path.relpath(os.path.join(base, lit), tree))
                valuesets.add(vs)
    return files, valuesets, missing


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tree = sys.argv[1]
    dest = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "schemas", "ans-schematrons")
    wanted = set()
    for top in TOP:
        files, valuesets, missing = closure(tree, top)
        for m in missing:
            print(f"{top}: include {m} is not in the ANS tree (skipped, as the ANS engine does)")
        for vs in sorted(valuesets):
            if not os.path.exists(os.path.join(tree, vs)):
                print(f"{top}: value set {vs} is not in the ANS tree")
        wanted.update(files)
        wanted.update(v for v in valuesets if os.path.exists(os.path.join(tree, v)))
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    for rel in sorted(wanted):
        out = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copyfile(os.path.join(tree, rel), out)
    print(f"{len(wanted)} files copied into {dest}")


if __name__ == "__main__":
    main()
