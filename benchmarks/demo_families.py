"""The CPU demo on each architecture: held-out mean IoU and mAP@50 before and after fine-tuning, steps, training time.

Runs `vlm_od.demo.run_demo(family=F)` (what `vlm_od_train --demo --family F` runs) for each family, one after the
other, at the demo's settings (`DEMO`, and a family's own in `DEMO_FAMILIES`) unless told otherwise, and prints a
markdown table. Usage:

    python benchmarks/demo_families.py [--families qwen3_5 qwen3_vl ...] [--steps N] [--set key=value ...]

`--set` overrides any key of `vlm_od.demo.DEMO` for every family (e.g. `--set learning_rate=3e-3`); `--family-set
qwen3_5:key=value` for one family only. Results (every run, its settings, losses, the machine and its load) go to
`benchmarks/results/demo_families-<date>.json`, appended run by run, so an interrupted sweep keeps what it measured.
Nothing is downloaded: the models are tiny, with random weights, and the data are synthetic."""
import argparse, ast, datetime, json, os, tempfile, time
from pathlib import Path
import torch
from vlm_od.demo import DEMO, DEMO_FAMILIES, run_demo

NAMES = dict(qwen2_vl="Qwen2-VL", qwen2_5_vl="Qwen2.5-VL", qwen3_vl="Qwen3-VL", qwen3_vl_moe="Qwen3-VL-MoE",
             qwen3_5="Qwen3.5", qwen3_5_moe="Qwen3.5-MoE")

def _value(s:str):
    try: return ast.literal_eval(s)
    except (ValueError, SyntaxError): return s

def _pairs(items:list)->dict:
    "`['k=v', ...]` as a dict with Python literals for the values."
    return {k: _value(v) for k, v in (i.split("=", 1) for i in items or [])}

def run_family(family:str, steps:int|None, overrides:dict, keep:str=None)->dict:
    "One demo run of `family`: its metrics, with the load average before and after and seconds per step."
    load0, t0 = os.getloadavg(), time.time()
    with tempfile.TemporaryDirectory() as d:
        m = run_demo(keep or d, progress=False, family=family, **({"max_steps": steps} if steps else {}), **overrides)
    return dict(family=family, base=m["base"], finetuned=m["finetuned"], mean_box=m.get("mean_box"), steps=m["steps"], train_seconds=m["train_seconds"],
                seconds_per_step=round(m["train_seconds"]/max(m["steps"], 1), 3), total_seconds=round(time.time() - t0, 1),
                parameters=m["environment"]["parameters"], overrides=overrides, losses=m["losses"],
                settings={k: v for k, v in m["config"].items() if k != "palette"},
                load_average_before=[round(x, 2) for x in load0], load_average_after=[round(x, 2) for x in os.getloadavg()],
                date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), environment=m["environment"])

def _changed(r:dict)->dict:
    "The settings of a run that differ from `DEMO` (the steps are a column of their own)."
    s = r.get("settings") or {**DEMO, **r["overrides"]}
    return {k: v for k, v in s.items() if k not in ("family", "max_steps", "palette") and DEMO.get(k) != v}

def table(runs:list)->str:
    "A markdown table, one row per run."
    rows = ["| architecture | parameters | mean IoU base -> fine-tuned (change) | mAP@50 base -> fine-tuned | mean box: IoU, mAP@50 | parse failures | steps | train s | s/step | load avg (1 min, before -> after) | settings changed |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        b, f, mb = r["base"], r["finetuned"], r.get("mean_box")
        floor = f"{mb['mean_iou']:.3f}, {mb['map50']:.3f}" if mb else "not measured"
        rows.append(f"| {NAMES.get(r['family'], r['family'])} | {r['parameters']/1e6:.2f} M | {b['mean_iou']:.3f} -> {f['mean_iou']:.3f} "
                    f"({f['mean_iou'] - b['mean_iou']:+.3f}) | {b['map50']:.3f} -> {f['map50']:.3f} | "
                    f"{floor} | {f['parse_failure_rate']:.1%} | "
                    f"{r['steps']} | {r['train_seconds']:.0f} | {r['seconds_per_step']:.3f} | "
                    f"{r['load_average_before'][0]:.1f} -> {r['load_average_after'][0]:.1f} | "
                    f"{', '.join(f'{k}={v}' for k, v in _changed(r).items()) or 'none'} |")
    return "\n".join(rows)

def main(families:list, steps:int, overrides:dict, family_overrides:dict, threads:int=None, out:str=None, keep:str=None):
    if threads: torch.set_num_threads(threads)
    out = Path(out or Path(__file__).parent/"results"/f"demo_families-{datetime.date.today()}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(out.read_text())["runs"] if out.exists() else []
    for f in families:
        r = run_family(f, steps, {**overrides, **family_overrides.get(f, {})}, keep)
        runs.append(r)
        out.write_text(json.dumps(dict(what="vlm_od.demo.run_demo(family=F, ...) per family, see benchmarks/demo_families.py",
                                       demo_defaults={k: v for k, v in DEMO.items() if k != "palette"}, runs=runs), indent=1))
        print(f"done: {f}: mean IoU {r['base']['mean_iou']:.3f} -> {r['finetuned']['mean_iou']:.3f}, {r['steps']} steps in "
              f"{r['train_seconds']:.0f} s ({r['seconds_per_step']:.3f} s/step)", flush=True)
    env = runs[-1]["environment"]
    print(f"\n{env['cpus']} CPUs ({env['machine']}), torch {env['torch']} on {env['torch_threads']} threads, transformers "
          f"{env['transformers']}; batch {DEMO['batch_size']}, {DEMO['image_size']} px, {DEMO['n_val']} held-out images unless changed\n")
    print(table(runs)); print(f"\nwritten to {out}")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--families", nargs="+", default=["qwen3_5", "qwen3_vl", "qwen2_5_vl", "qwen2_vl"])
    p.add_argument("--steps", type=int, default=None, help=f"training steps per run (default: the demo's, {DEMO['max_steps']}, or the family's own: {DEMO_FAMILIES})")
    p.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override a key of DEMO for every family")
    p.add_argument("--family-set", nargs="*", default=[], metavar="FAMILY:KEY=VALUE", help="override a key of DEMO for one family")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    p.add_argument("--out", default=None, help="the JSON file (default: benchmarks/results/demo_families-<date>.json; runs are appended)")
    p.add_argument("--keep", default=None, help="keep the last run's demo output here (default: a temporary folder)")
    a = p.parse_args()
    fam = {}
    for item in a.family_set:
        f, kv = item.split(":", 1); fam.setdefault(f, {}).update(_pairs([kv]))
    main(a.families, a.steps, _pairs(a.set), fam, a.threads, a.out, a.keep)
