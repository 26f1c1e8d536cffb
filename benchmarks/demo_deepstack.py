"""Does Qwen3-VL's deepstack explain why it learns the CPU demo faster than Qwen2-VL, Qwen2.5-VL and Qwen3.5?

Qwen3-VL's vision tower feeds the features of chosen vision layers into the first language layers
(`vision_config.deepstack_visual_indexes`; the tiny model uses its last vision layer); the other families have no
such path. This runs the demo (`vlm_od.demo.run_demo(family="qwen3_vl")`) with deepstack on (as the demo does) and
off (`deepstack_visual_indexes=[]`: no injection, everything else equal) for each seed, and prints the table. Usage:

    python benchmarks/demo_deepstack.py [--seeds 0 1 2] [--arms on off] [--threads 1] [--out FILE]

Results are appended run by run to `benchmarks/results/demo_deepstack-<date>.json`. Nothing is downloaded."""
import argparse, datetime, json, os, statistics, tempfile, time
from pathlib import Path
import torch
import vlm_od.tiny as tiny
from vlm_od.demo import run_demo

_config = tiny.tiny_config

def _no_deepstack(*args, **kwargs):
    "`tiny_config` with Qwen3-VL's deepstack switched off (an empty list of vision layers to inject)."
    cfg = _config(*args, **kwargs)
    if hasattr(cfg.vision_config, "deepstack_visual_indexes"): cfg.vision_config.deepstack_visual_indexes = []
    return cfg

def run(arm:str, seed:int, steps:int=None)->dict:
    "One demo run of Qwen3-VL with deepstack `on` or `off` (the demo's steps unless `steps`)."
    tiny.tiny_config = _no_deepstack if arm == "off" else _config # tiny_model looks tiny_config up in its module
    load0, t0 = os.getloadavg(), time.time()
    try:
        with tempfile.TemporaryDirectory() as d: m = run_demo(d, progress=False, family="qwen3_vl", seed=seed, **({"max_steps": steps} if steps else {}))
    finally: tiny.tiny_config = _config
    return dict(arm=arm, seed=seed, base=m["base"], finetuned=m["finetuned"], steps=m["steps"], train_seconds=m["train_seconds"],
                parameters=m["environment"]["parameters"], losses=m["losses"], total_seconds=round(time.time() - t0, 1),
                load_average_before=[round(x, 2) for x in load0], load_average_after=[round(x, 2) for x in os.getloadavg()],
                date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), environment=m["environment"])

def table(runs:list)->str:
    "Mean IoU and mAP@50 per arm and seed, with mean ± std."
    rows = ["| deepstack | parameters | " + " | ".join(f"seed {s}" for s in sorted({r['seed'] for r in runs})) + " | mean IoU | mAP@50 |", None]
    seeds = sorted({r["seed"] for r in runs})
    rows[1] = "|" + "---|" * (len(seeds) + 4)
    for arm in ("on", "off"):
        rs = [r for r in runs if r["arm"] == arm]
        if not rs: continue
        iou = [r["finetuned"]["mean_iou"] for r in rs]; m50 = [r["finetuned"]["map50"] for r in rs]
        sd = lambda v: f" ± {statistics.stdev(v):.3f}" if len(v) > 1 else ""
        by = {r["seed"]: r["finetuned"]["mean_iou"] for r in rs}
        rows.append(f"| {arm} | {rs[0]['parameters']/1e6:.2f} M | " + " | ".join(f"{by[s]:.3f}" if s in by else "" for s in seeds)
                    + f" | {statistics.mean(iou):.3f}{sd(iou)} | {statistics.mean(m50):.3f}{sd(m50)} |")
    return "\n".join(rows)

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--arms", nargs="+", default=["on", "off"], choices=("on", "off"))
    p.add_argument("--threads", type=int, default=1, help="torch threads (default: %(default)s, as the family table)")
    p.add_argument("--steps", type=int, default=None, help="training steps (default: the demo's)")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    out = Path(a.out or Path(__file__).parent/"results"/f"demo_deepstack-{datetime.date.today()}.json")
    runs = json.loads(out.read_text())["runs"] if out.exists() else []
    for seed in a.seeds:
        for arm in a.arms:
            r = run(arm, seed, a.steps); runs.append(r)
            out.write_text(json.dumps(dict(what=__doc__.split("\n\n")[0], runs=runs), indent=1))
            print(f"done: deepstack {arm}, seed {seed}: mean IoU {r['finetuned']['mean_iou']:.3f}, mAP@50 {r['finetuned']['map50']:.3f}, "
                  f"{r['steps']} steps in {r['train_seconds']:.0f} s", flush=True)
    print("\n" + table(runs) + f"\n\nwritten to {out}")
