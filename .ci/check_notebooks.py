"""Notebook outputs stay short and free of this machine's paths: fails (exit 1) when a notebook is over its size
limit, or when an output or a source line names an absolute path of the machine it ran on."""
import json, re, sys
from pathlib import Path

LIMIT = 120_000 # bytes per notebook, outputs included
LIMITS = {"05_visualization.ipynb": 100_000, # the pictures notebook draws from hand-made predictions
          "08_cli.ipynb": 150_000} # three console scripts, an example and a test after each function: 92 KB of source, 14 KB of outputs
ABSOLUTE = re.compile(r"(?<![\w.])(/(?:root|tmp|home|work|Users|private|var/folders)/[^\s\"']*|[A-Z]:\\\\[^\s\"']+)")

def _texts(cell:dict):
    "Every text of a cell: its source and its outputs (streams, plain text, HTML)."
    yield "source", "".join(cell.get("source", []))
    for o in cell.get("outputs", []):
        if "text" in o: yield "output", "".join(o["text"])
        for kind, v in o.get("data", {}).items():
            if kind.startswith("text/"): yield "output", "".join(v) if isinstance(v, list) else v
        if "traceback" in o: yield "output", "\n".join(o["traceback"])

def problems(path:Path)->list:
    "What is wrong with one notebook, one line per problem."
    out, size = [], path.stat().st_size
    if size > LIMITS.get(path.name, LIMIT): out.append(f"{path}: {size:,} bytes, over its limit of {LIMITS.get(path.name, LIMIT):,}")
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for where, text in _texts(cell):
            if m := ABSOLUTE.search(text): out.append(f"{path}: cell {i} {where} holds an absolute path: {m.group(0)[:80]}")
    return out

if __name__ == "__main__":
    found = [p for nb in sorted(Path("nbs").glob("*.ipynb")) for p in problems(nb)]
    print("\n".join(found) or "notebooks: sizes within limits, no absolute paths")
    sys.exit(1 if found else 0)
