"""Write nbs/index.ipynb from README.md (quarto, which `nbdev_readme` needs, cannot be installed here).
One markdown cell per `## ` section; `nbdev_clean` then gives the cells stable ids."""
import json, re, hashlib
from pathlib import Path
root = Path(__file__).resolve().parent.parent
text = (root/"README.md").read_text()
parts = [p.strip("\n") for p in re.split(r"(?m)^(?=## )", text) if p.strip()]
old = json.loads((root/"nbs/index.ipynb").read_text()) if (root/"nbs/index.ipynb").exists() else {}
cells = [dict(cell_type="markdown", id=hashlib.sha1(p.encode()).hexdigest()[:8], metadata={},
              source=p.splitlines(keepends=True)) for p in parts]
nb = dict(cells=cells, metadata=old.get("metadata", dict(kernelspec=dict(display_name="python3", language="python", name="python3"))),
          nbformat=4, nbformat_minor=5)
(root/"nbs/index.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
