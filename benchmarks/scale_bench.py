"""Time and peak memory of vlm_od's data path against the number of images, up to COCO 2017 train size, side by
side with pycocotools on the same files.

Data: a generated COCO file of N images (640 x 480, `--boxes` boxes each, 80 classes, like COCO 2017 train:
118,287 images and about 860k boxes at the largest size). The image files are `--files` small real JPEGs
written once; image entry i names file i mod `--files` (the loader opens each entry's file, so every entry is
checked, but the disk holds only a few files). Each measurement runs in a fresh process (`--stage`), so its
peak memory (the process's peak RSS minus its RSS just before the measured call) is its own:

- `pycocotools_load`: `pycocotools.coco.COCO(path)`, the reference loader;
- `load_coco`: `vlm_od.coco.load_coco(path, folder)` (its default checks: image headers, boxes);
- `detection_dataset`: `vlm_od.training.detection_dataset(samples, task)` on N in-memory samples;
- `collate`: `--batches` batches of 8 drawn across the dataset, `DetectionCollator` (tiny Qwen2-VL processor), ms per batch;
- `pycocotools_eval` / `detection_metrics`: COCOeval (bbox) on ground truth and jittered predictions, and
  `vlm_od.evaluation.detection_metrics` (which runs COCOeval plus its own counts) on the same boxes.

The growth exponent k is the least-squares slope of log(time) and log(peak memory) against log(N).

    PYTHONPATH=. python benchmarks/scale_bench.py                                  # the committed run
    PYTHONPATH=. python benchmarks/scale_bench.py --sizes 500 2000 8000 --eval-sizes 500 2000 8000   # a quick one
    PYTHONPATH=. python benchmarks/scale_bench.py --stages pycocotools_eval detection_metrics --sizes 1000 --eval-sizes 1000 2000 4000 8000 16000 --repeats 2   # scoring only, the fastest of 2 runs
"""
import argparse, datetime, json, math, os, platform, random, resource, subprocess, sys, tempfile, time
from pathlib import Path

CLASSES = [f"class{i:02d}" for i in range(80)]

def rss_mb()->float:
    "Resident memory of this process now, MB."
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def peak_mb()->float:
    "Peak resident memory of this process so far, MB."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def quiet(f, *args):
    "`f(*args)` with its prints swallowed (pycocotools prints its progress)."
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()): return f(*args)

def boxes_of(i:int, k:int)->list:
    "`k` boxes (x, y, w, h, class index) of image `i`, deterministic."
    r = random.Random(i)
    return [(r.uniform(0, 500), r.uniform(0, 380), r.uniform(8, 140), r.uniform(8, 100), r.randrange(80)) for _ in range(k)]

def write_data(folder:Path, n:int, k:int, files:int)->Path:
    "A COCO file of `n` images with `k` boxes each, and `files` JPEGs they name in turn; its path."
    from PIL import Image
    (folder/"images").mkdir(parents=True, exist_ok=True)
    for f in range(files):
        p = folder/"images"/f"{f}.jpg"
        if not p.exists(): Image.new("RGB", (640, 480), (f*37 % 255, 90, 160)).save(p, quality=60)
    images = [dict(id=i+1, file_name=f"{i % files}.jpg", width=640, height=480) for i in range(n)]
    anns = [dict(id=i*k+j+1, image_id=i+1, category_id=c+1, bbox=[round(x, 1), round(y, 1), round(w, 1), round(h, 1)],
                 area=round(w*h, 1), iscrowd=0) for i in range(n) for j, (x, y, w, h, c) in enumerate(boxes_of(i, k))]
    path = folder/f"gt_{n}.json"
    path.write_text(json.dumps(dict(images=images, annotations=anns, categories=[dict(id=i+1, name=c) for i, c in enumerate(CLASSES)])))
    return path

def in_memory(folder:Path, n:int, k:int, files:int)->list:
    "`n` `Sample`s equal to what `load_coco` reads from `write_data`'s file, built directly."
    from vlm_od.core import Detection
    from vlm_od.data import Sample
    return [Sample(folder/"images"/f"{i % files}.jpg", (640, 480), [Detection(CLASSES[c], (x, y, x+w, y+h)) for x, y, w, h, c in boxes_of(i, k)], f"{i % files}.jpg")
            for i in range(n)]

def jittered(samples:list)->list:
    "Predictions: each ground-truth box moved a little, with a score; every tenth box missed."
    from vlm_od.core import Detection
    r = random.Random(0)
    return [[Detection(d.label, tuple(v + r.uniform(-6, 6) for v in d.box), r.random()) for j, d in enumerate(s.objects) if (j + i) % 10]
            for i, s in enumerate(samples)]

def stage(name:str, folder:Path, n:int, k:int, files:int, batches:int)->dict:
    "Run one measurement in this process: seconds and peak MB above the RSS before it."
    import torch; torch.set_num_threads(1)
    gt = folder/f"gt_{n}.json"
    if name == "pycocotools_load":
        from pycocotools.coco import COCO
        f = lambda: quiet(COCO, str(gt))
    elif name == "load_coco":
        from vlm_od.coco import load_coco
        f = lambda: load_coco(gt, folder/"images")
    elif name == "detection_dataset":
        from vlm_od.training import detection_dataset; from vlm_od.core import Qwen2VLDialect
        samples = in_memory(folder, n, k, files); f = lambda: detection_dataset(samples, Qwen2VLDialect())
    elif name == "collate":
        from vlm_od.training import detection_dataset; from vlm_od.core import Qwen2VLDialect
        from vlm_od.collators import DetectionCollator; from vlm_od.tiny import tiny_processor
        samples = in_memory(folder, n, k, files); ds = detection_dataset(samples, Qwen2VLDialect()); coll = DetectionCollator(tiny_processor("qwen2_vl"))
        step = max(1, n // (batches * 8))
        f = lambda: [coll([ds[(b*8 + j) * step % n] for j in range(8)]) for b in range(batches)]
    elif name in ("pycocotools_eval", "detection_metrics"):
        samples = in_memory(folder, n, k, files); preds = jittered(samples)
        if name == "detection_metrics":
            from vlm_od.evaluation import detection_metrics
            f = lambda: detection_metrics(samples, preds, classes=CLASSES)
        else:
            from vlm_od.coco import to_coco, coco_eval
            gt_d, res = to_coco(samples, preds, CLASSES); del samples, preds
            f = lambda: coco_eval(gt_d, res)
    else: raise ValueError(name)
    rss0 = rss_mb(); t = time.perf_counter(); out = f(); sec = time.perf_counter() - t
    if name == "collate": sec /= batches
    return dict(stage=name, n=n, seconds=sec, peak_mb=max(peak_mb() - rss0, 0.0))

def exponent(xs:list, ys:list)->float:
    "Least-squares slope of log(y) against log(x)."
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx)/len(lx), sum(ly)/len(ly)
    return sum((a-mx)*(b-my) for a, b in zip(lx, ly)) / sum((a-mx)**2 for a in lx)

def best(runs:list)->dict:
    "The fastest of repeated runs of one cell (the least disturbed by other jobs), with every run's seconds."
    return dict(min(runs, key=lambda r: r["seconds"]), runs=[round(r["seconds"], 3) for r in runs])

def run_child(args, name:str, n:int)->dict:
    "`stage(name, n)` in a fresh Python process."
    cmd = [sys.executable, __file__, "--stage", name, "--n", str(n), "--folder", str(args.folder), "--boxes", str(args.boxes),
           "--files", str(args.files), "--batches", str(args.batches)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, TOKENIZERS_PARALLELISM="false"))
    if out.returncode: raise RuntimeError(f"{name} at {n}: {out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]), load=round(os.getloadavg()[0], 2)) # the 1-minute load average as it ended

def table(rows:list, stages:list)->str:
    "Markdown: one row per stage and size, then the exponents."
    lines = ["| stage | images | seconds | peak MB | KB per image | load | every run, s |", "|---|---|---|---|---|---|---|"]
    for name in stages:
        rs = [r for r in rows if r["stage"] == name]
        lines += [f"| {name} | {r['n']:,} | {r['seconds']:.3f} | {r['peak_mb']:.0f} | {r['peak_mb']*1024/r['n']:.2f} | {r.get('load', '')} | {' '.join(map(str, r.get('runs', [])))} |" for r in rs]
        if len(rs) > 1:
            ns = [r["n"] for r in rs]
            lines.append(f"| {name}: exponent | | {exponent(ns, [r['seconds'] for r in rs]):.2f} | {exponent(ns, [r['peak_mb'] for r in rs]):.2f} | | | |")
    return "\n".join(lines)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 118287], help="images, for loading, dataset building and collating")
    ap.add_argument("--eval-sizes", type=int, nargs="+", default=[1000, 5000, 20000], help="images, for scoring")
    ap.add_argument("--boxes", type=int, default=7, help="boxes per image (COCO 2017 train: 7.3)")
    ap.add_argument("--files", type=int, default=64, help="distinct JPEG files on disk")
    ap.add_argument("--batches", type=int, default=16, help="batches of 8 to collate")
    ap.add_argument("--folder", type=Path, default=None, help="where the data are written (a temporary folder when not given)")
    ap.add_argument("--stages", nargs="+", default=["pycocotools_load", "load_coco", "detection_dataset", "collate", "pycocotools_eval", "detection_metrics"])
    ap.add_argument("--repeats", type=int, default=1, help="fresh-process runs of each cell; the table keeps the fastest")
    ap.add_argument("--out", type=Path, default=None, help="also write the rows as JSON here")
    ap.add_argument("--stage"); ap.add_argument("--n", type=int)
    a = ap.parse_args()
    if a.stage: print(json.dumps(stage(a.stage, a.folder, a.n, a.boxes, a.files, a.batches))); return
    tmp = None
    if a.folder is None: tmp = tempfile.TemporaryDirectory(); a.folder = Path(tmp.name)
    print(f"# scale_bench: {platform.machine()}, {os.cpu_count()} CPUs, {os.getloadavg()[0]:.1f} load, Python {platform.python_version()}, {datetime.date.today()}")
    print(f"# {a.boxes} boxes per image, 80 classes, {a.files} JPEG files (640 x 480) named in turn; one fresh process per cell\n")
    rows = []
    for n in sorted(set(a.sizes) | set(a.eval_sizes)):
        t = time.perf_counter(); write_data(a.folder, n, a.boxes, a.files)
        print(f"# wrote {n:,} images, {n*a.boxes:,} boxes in {time.perf_counter()-t:.1f} s", flush=True)
        runs = []
        for _ in range(a.repeats): # rounds of the stages, interleaved
            for name in a.stages:
                if n in (a.eval_sizes if name.endswith(("_eval", "_metrics")) else a.sizes):
                    runs.append(run_child(a, name, n)); print(f"#   {json.dumps(runs[-1])}", flush=True)
        rows += [best([r for r in runs if r["stage"] == name]) for name in a.stages if any(r["stage"] == name for r in runs)]
        (a.folder/f"gt_{n}.json").unlink()
    print("\n" + table(rows, a.stages))
    if a.out: a.out.write_text(json.dumps(dict(date=str(datetime.date.today()), machine=f"{platform.machine()}, {os.cpu_count()} CPUs", rows=rows), indent=1))

if __name__ == "__main__": main()
