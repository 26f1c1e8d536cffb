"""Seconds per training step of the CPU demo's tiny model, per architecture (the demo's settings: 128 px images,
one token per patch, hidden 128, 4 layers, batch 8, full fine-tuning), and where the time goes for Qwen3.5.

    python benchmarks/family_step_time.py --steps 3 --threads 1
    python benchmarks/family_step_time.py --families qwen3_vl qwen3_5 qwen3_5:full_attention_interval=2   # a demo setting changed for one entry

Prints a table and writes benchmarks/results/family_step_time-<date>.json. Why: the demo trains Qwen2-VL to Qwen3-VL
in about 0.2 s a step on 2 CPU cores; Qwen3.5's linear-attention layers run transformers' PyTorch reference path on a
CPU (no flash-linear-attention / causal-conv1d kernels), which this measures. On a shared machine the wall time follows the
load; the CPU time of the process (with --threads 1, compute alone) is the steadier measure of the work per step."""
import argparse, ast, json, time, datetime, platform, os
from pathlib import Path
import torch
from vlm_od.demo import DEMO, demo_setup, environment
from vlm_od.collators import DetectionCollator
from vlm_od.task import to_example

def _entry(spec:str)->tuple:
    "`family[:key=value,...]` as (family, demo settings it changes)."
    family, _, rest = spec.partition(":")
    return family, {k: ast.literal_eval(v) for k, v in (kv.split("=", 1) for kv in rest.split(",") if kv)}

def step_time(family:str, steps:int, **overrides)->tuple:
    "Mean wall and CPU seconds (this process, all threads) of one forward + backward + AdamW step on a demo batch, after one warm-up step."
    model, proc, dialect, train, _ = demo_setup({**DEMO, **overrides, "family": family, "n_train": overrides.get("batch_size", DEMO["batch_size"]), "n_val": 1})
    batch = DetectionCollator(proc)([to_example(s, dialect) for s in train])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4); model.train()
    def one():
        loss = model(**batch).loss; loss.backward(); opt.step(); opt.zero_grad()
    one(); t, c = time.perf_counter(), time.process_time()
    for _ in range(steps): one()
    return (time.perf_counter() - t)/steps, (time.process_time() - c)/steps

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=3); p.add_argument("--threads", type=int, default=1)
    p.add_argument("--families", nargs="+", default=["qwen2_vl", "qwen2_5_vl", "qwen3_vl", "qwen3_5"], help="family[:key=value,...] (a DEMO setting changed)")
    p.add_argument("--out", default=None, help="the JSON file (default: benchmarks/results/family_step_time-<date>.json)")
    a = p.parse_args(); torch.set_num_threads(a.threads)
    rows = [dict(family=spec, **dict(zip(("seconds_per_step", "cpu_seconds_per_step"), (round(x, 3) for x in step_time(*_entry(spec)[:1], a.steps, **_entry(spec)[1])))))
            for spec in a.families]
    print(f"{'family':<40}{'s/step':>10}{'CPU s/step':>12}"); [print(f"{r['family']:<40}{r['seconds_per_step']:>10.3f}{r['cpu_seconds_per_step']:>12.3f}") for r in rows]
    out = Path(a.out or Path(__file__).parent/"results"/f"family_step_time-{datetime.date.today()}.json"); out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(dict(rows=rows, steps=a.steps, threads=a.threads, batch=DEMO["batch_size"], image_size=DEMO["image_size"],
                                   date=str(datetime.datetime.utcnow())[:16], load_average=os.getloadavg(), environment=environment()), indent=1))
    print(f"written to {out}")
