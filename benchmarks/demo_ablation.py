"""Which of the CPU demo's choices make a tiny random model learn to detect in minutes?

Runs the demo (`vlm_od.demo.run_demo`) once as configured and once with each choice undone, all else equal,
and prints a table of held-out scores. Usage: `python benchmarks/demo_ablation.py [--steps N] [--out DIR]`.
Each run takes about as long as the demo; the table says on what it was measured."""
import argparse, json, tempfile
from vlm_od.demo import DEMO, run_demo

VARIANTS = {
    "demo (Qwen3-VL arch., merge 1, colour per class, by label)": {},
    "Qwen2-VL architecture (112 px, merge 1)": dict(family="qwen2_vl", image_size=112),
    "merge_size 2 (4 x 4 image tokens)": dict(merge_size=2),
    "random colours, reading order": dict(palette=None, order="position"),
}

def main(steps:int=DEMO["max_steps"], out:str=None):
    rows = []
    for name, kw in VARIANTS.items():
        with tempfile.TemporaryDirectory() as d:
            m = run_demo(out or d, progress=False, max_steps=steps, **kw)
        rows.append((name, m))
        print(f"done: {name}: mean IoU {m['finetuned']['mean_iou']:.3f}", flush=True)
    env = rows[0][1]["environment"]
    print(f"\n{steps} steps, batch {DEMO['batch_size']}, {DEMO['n_val']} held-out images; {env['cpus']} CPUs, "
          f"torch {env['torch']}, {env['parameters']/1e6:.2f} M parameters (demo model)")
    print(f"{'variant':<62}{'mean IoU':>9}{'mAP@50':>8}{'parse fail':>11}{'train s':>9}")
    for name, m in rows:
        f = m["finetuned"]
        print(f"{name:<62}{f['mean_iou']:>9.3f}{f['map50']:>8.3f}{f['parse_failure_rate']:>11.3f}{m['train_seconds']:>9.0f}")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=DEMO["max_steps"], help="training steps per run (default: %(default)s)")
    p.add_argument("--out", default=None, help="keep the last run's outputs here (default: a temporary folder)")
    main(**vars(p.parse_args()))
