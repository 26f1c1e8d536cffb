"""Which tiny Qwen3.5 learns the CPU demo: the published layout against the demo's, one setting at a time, over seeds.

The published Qwen3.5 models put one full-attention layer after every three linear-attention (gated delta net)
layers and rotate a quarter of each 256-dimensional head with M-RoPE (`partial_rotary_factor=0.25`: 64 dimensions).
Scaled down to the demo's four layers of 32-dimensional heads, that leaves one full-attention layer, the last, and 8
rotated dimensions: one frequency for the height and two for the width. This runs the demo
(`vlm_od.demo.run_demo(family="qwen3_5")`, 760 steps) for each arm and seed, all else equal, and prints held-out
mean IoU and mAP@50 per arm with mean ± std, and the floor `mean_box_predictions` sets on each seed's held-out images.
Usage:

    python benchmarks/demo_qwen3_5_layout.py [--arms published demo ...] [--seeds 0 1 2] [--threads 1]
    python benchmarks/demo_qwen3_5_layout.py --table      # only the table of the runs recorded

Results are appended run by run to `benchmarks/results/demo_qwen3_5_layout-<date>.json` (`--out`). A run's arm is
read from its settings, so runs of `benchmarks/demo_families.py --families qwen3_5` in that file count too.
Nothing is downloaded: the models are tiny, with random weights, and the data are synthetic."""
import argparse, datetime, json, statistics
from pathlib import Path
import torch
from vlm_od.demo import demo_config, demo_data
from vlm_od.evaluation import detection_metrics, mean_box_predictions
from demo_families import run_family

ARMS = dict( # name: (full_attention_interval, partial_rotary_factor, what it is)
    published=(4, 0.25, "as published: linear, linear, linear, full; a quarter of each head rotated"),
    interval2=(2, 0.25, "linear, full, linear, full; a quarter rotated"),
    rotary1=(4, 1.0, "linear, linear, linear, full; the whole head rotated"),
    demo=(2, 1.0, "linear, full, linear, full; the whole head rotated (the demo's)"),
    full=(1, 0.25, "diagnostic, not a hybrid: full attention in all four layers; a quarter rotated"),
    full_rotary1=(1, 1.0, "diagnostic, not a hybrid: full attention in all four layers; the whole head rotated"))

def settings(run:dict)->dict:
    "A run's demo settings (older records keep only what was changed: seed 0 and 64 held-out images where unset)."
    return run.get("settings") or {"seed": 0, "n_val": 64, **run["overrides"]}

def arm_of(run:dict)->str|None:
    "The arm whose layout and rotary share a run's settings had (`tiny_config`'s defaults, 4 and 0.25, where unset)."
    s = settings(run)
    key = (s.get("full_attention_interval", 4), s.get("partial_rotary_factor", 0.25))
    return next((a for a, (i, r, _) in ARMS.items() if (i, r) == key), None)

def floor(seed:int)->dict:
    "Mean IoU and mAP@50 of `mean_box_predictions` on the demo's held-out images of `seed` (no model)."
    train, val = demo_data(demo_config(family="qwen3_5", seed=seed))
    return detection_metrics(val, mean_box_predictions(train, val))

def _cell(v:list)->str: return f"{statistics.mean(v):.3f}" + (f" ± {statistics.stdev(v):.3f}" if len(v) > 1 else "")

def table(runs:list, steps:int=760)->str:
    "Fine-tuned mean IoU (mAP@50) per arm and seed, mean ± std over seeds; the mean-box floor as the last row."
    runs = [r for r in runs if r["steps"] == steps and settings(r).get("n_val", 64) == 64 and arm_of(r)]
    seeds = sorted({settings(r)["seed"] for r in runs})
    if not seeds: return f"no runs of {steps} steps on the demo's 64 held-out images recorded"
    rows = ["| Qwen3.5 tiny model, " + f"{steps} steps | " + " | ".join(f"seed {s}" for s in seeds) + " | mean IoU | mAP@50 |",
            "|" + "---|" * (len(seeds) + 3)]
    for arm, (i, r, what) in ARMS.items():
        rs = {settings(x)["seed"]: x["finetuned"] for x in runs if arm_of(x) == arm}
        if not rs: continue
        rows.append(f"| {what} (`full_attention_interval={i}, partial_rotary_factor={r}`) | "
                    + " | ".join(f"{rs[s]['mean_iou']:.3f} ({rs[s]['map50']:.3f})" if s in rs else "" for s in seeds)
                    + f" | {_cell([m['mean_iou'] for m in rs.values()])} | {_cell([m['map50'] for m in rs.values()])} |")
    fl = {s: floor(s) for s in seeds}
    rows.append("| floor: every true object at the training set's mean box (no model) | "
                + " | ".join(f"{fl[s]['mean_iou']:.3f} ({fl[s]['map50']:.3f})" for s in seeds)
                + f" | {_cell([m['mean_iou'] for m in fl.values()])} | {_cell([m['map50'] for m in fl.values()])} |")
    return "\n".join(rows)

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--arms", nargs="+", default=["published", "demo"], choices=list(ARMS))
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--threads", type=int, default=1, help="torch threads (default: %(default)s, as the family table)")
    p.add_argument("--out", default=None, help="the JSON file (default: benchmarks/results/demo_qwen3_5_layout-<date>.json; runs are appended)")
    p.add_argument("--table", action="store_true", help="print the table of the runs recorded in --out, run nothing")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    out = Path(a.out or Path(__file__).parent/"results"/f"demo_qwen3_5_layout-{datetime.date.today()}.json")
    doc = json.loads(out.read_text()) if out.exists() else dict(what=__doc__.split("\n\n")[0], runs=[])
    for seed in [] if a.table else a.seeds:
        for arm in a.arms:
            i, r, _ = ARMS[arm]
            doc["runs"].append(run_family("qwen3_5", None, dict(seed=seed, full_attention_interval=i, partial_rotary_factor=r)))
            out.write_text(json.dumps(doc, indent=1))
            f = doc["runs"][-1]["finetuned"]
            print(f"done: {arm}, seed {seed}: mean IoU {f['mean_iou']:.3f}, mAP@50 {f['map50']:.3f}", flush=True)
    print(table(doc["runs"]) + f"\n\nfrom {out}")
