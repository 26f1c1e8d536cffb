"""Execute notebooks in place and keep their outputs (the documentation), as `nbdev_test` runs them: cells flagged
`slow` or `cuda` (and `eval: false`) are not run and keep the outputs they have. Run `nbdev_clean` afterwards.
Usage: python .ci/execute.py nbs/01_data.ipynb [more notebooks]"""
import base64, io, os, re, sys
from PIL import Image
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory

DPI, MAX_WIDTH = 72, 640 # pictures in the notebooks: enough to read, small enough to keep in git
SKIP = re.compile(r"^#\|\s*(slow|cuda|eval:\s*false)\b", re.M)

def _skip(cell)->bool:
    "True for the cells `nbdev_test` does not run either."
    return cell.cell_type != "code" or bool(SKIP.search(cell.source))

def _small_png(b64:str)->str:
    "A notebook picture re-encoded small: at most `MAX_WIDTH` pixels wide, 64 colours (plots and shapes need no more)."
    img = Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB")
    if img.width > MAX_WIDTH: img = img.resize((MAX_WIDTH, round(img.height*MAX_WIDTH/img.width)), Image.LANCZOS)
    buf = io.BytesIO(); img.quantize(64).save(buf, "PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode()

def _quiet(cell):
    "Small pictures; drop warnings that name this machine's library paths (tqdm's IProgress note, deprecations): noise, and not portable."
    cell.outputs = [o for o in cell.get("outputs", []) if not (o.get("name") == "stderr" and "site-packages" in "".join(o.get("text", "")))]
    for o in cell.outputs:
        if "image/png" in o.get("data", {}): o["data"]["image/png"] = _small_png(o["data"]["image/png"])

def execute(path:Path):
    "Run `path` top to bottom in a fresh shell and write it back with its new outputs; raises on the first error."
    os.environ["IN_TEST"] = "1"
    nb, shell = read_nb(path), CaptureShell(path, mpl_format="png") # plain PNG at DPI (not retina): pictures stay small
    shell.run(f"import matplotlib.pyplot as plt; plt.rcParams['figure.dpi'] = {DPI}") # after the shell turned matplotlib's inline backend on
    with working_directory(path.parent): shell.run_all(nb, exc_stop=True, preproc=_skip)
    for cell in nb.cells:
        if cell.cell_type == "code": _quiet(cell) # every code cell: pictures kept from `slow` cells are made small too
    write_nb(nb, path)

if __name__ == "__main__":
    for p in sys.argv[1:]: execute(Path(p)); print(f"executed {p}")
