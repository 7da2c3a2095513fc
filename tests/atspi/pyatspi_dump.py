# Owns: the independent observer for the AT-SPI cross-check test. Prints, as one JSON document,
# the windows and component trees (role name, accessible name, showing) of the application with
# the given pid, as python3-pyatspi (Debian's package, run with /usr/bin/python3) sees them.
# Usage: /usr/bin/python3 pyatspi_dump.py <pid>
import json
import sys

import pyatspi


def node(acc, depth=0):
    states = acc.getState()
    out = {
        "role": acc.getRoleName(),
        "name": acc.name or "",
        "showing": states.contains(pyatspi.STATE_SHOWING),
        "children": [],
    }
    if depth < 40:
        for i in range(acc.childCount):
            child = acc.getChildAtIndex(i)
            if child is not None:
                out["children"].append(node(child, depth + 1))
    return out


def main():
    pid = int(sys.argv[1])
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is None or app.get_process_id() != pid:
            continue
        windows = []
        for i in range(app.childCount):
            w = app.getChildAtIndex(i)
            if w.getState().contains(pyatspi.STATE_SHOWING):
                windows.append(node(w))
        print(json.dumps({"pid": pid, "windows": windows}))
        return
    print(json.dumps({"pid": pid, "windows": None}))


main()
