"""Does a GRPO stage after SFT beat more SFT for the same wall time? The CPU demo's model, held-out images, seeds.

1. SFT: the CPU demo (`vlm_od.demo.run_demo`) with fewer steps than its default, so there is room left to improve.
2. For each seed, from that same saved SFT model: GRPO (`make_grpo_trainer`, the detection rewards) for `--seconds`
   of training, and the control, SFT continued (`make_trainer`) for the same `--seconds`, same learning rate.
3. Every model is scored on the demo's held-out images: mAP@50:95, mean IoU, duplicate rate, parse-failure rate.
Prints a markdown table (mean and standard deviation over seeds) and writes every number to a JSON.
Usage: `python benchmarks/grpo_bench.py [--sft-steps N] [--seconds S] [--seeds 0 1 2] [--out FILE]`."""
import argparse, datetime, json, statistics, tempfile, time, warnings
from pathlib import Path
import torch, transformers
from transformers import TrainerCallback
from vlm_od.demo import DEMO, demo_setup, environment, run_demo
from vlm_od.evaluation import evaluate_model
from vlm_od.training import load_trained, make_trainer, sft_config
from vlm_od.grpo import grpo_config, make_grpo_trainer

KEYS = ("map50_95", "map50", "mean_iou", "f1", "duplicate_rate", "parse_failure_rate")

class TimeLimit(TrainerCallback):
    "Stop training once `seconds` of training have passed (checked after each step)."
    def __init__(self, seconds:float): self.seconds = seconds
    def on_train_begin(self, args, state, control, **kwargs): self.t0 = time.time()
    def on_step_end(self, args, state, control, **kwargs):
        if time.time() - self.t0 >= self.seconds: control.should_training_stop = True

def score(model, proc, val, task)->dict:
    "The held-out metrics of `KEYS`."
    m = evaluate_model(model, proc, val, task, batch_size=32, max_new_tokens=32*DEMO["max_objects"] + 8, progress=False).metrics
    return {k: m[k] for k in KEYS}

def grpo_arm(sft_dir, train, seed, seconds, lr, out, **kw):
    "GRPO from the saved SFT model for `seconds`; (model, processor, task, trainer)."
    model, proc, task = load_trained(sft_dir, dtype=torch.float32)
    args = grpo_config(str(out), device="cpu", max_steps=100_000, learning_rate=lr, lr_scheduler_type="constant", seed=seed,
                       logging_steps=5, disable_tqdm=True, **kw)
    t = make_grpo_trainer(model, proc, train, task, args, callbacks=[TimeLimit(seconds)], console_log=False)
    t.train(); return model, proc, task, t

def sft_arm(sft_dir, train, seed, seconds, lr, out):
    "SFT continued from the saved SFT model for `seconds`, the demo's batch; (model, processor, task, trainer)."
    model, proc, task = load_trained(sft_dir, dtype=torch.float32)
    args = sft_config(str(out), device="cpu", max_steps=100_000, learning_rate=lr, lr_scheduler_type="constant", seed=seed,
                      per_device_train_batch_size=DEMO["batch_size"], logging_steps=25, disable_tqdm=True)
    t = make_trainer(model, proc, train, task, args, callbacks=[TimeLimit(seconds)], console_log=False)
    t.train(); return model, proc, task, t

def summary(t)->dict:
    "Steps, seconds and (for GRPO) the logged reward, KL and reward spread within groups, first and last log."
    logs = [h for h in t.state.log_history if "loss" in h]
    keep = ("reward", "reward_std", "kl", "rewards/det_f1/mean", "rewards/det_format/mean", "rewards/det_count/mean", "loss")
    pick = lambda h: {k: round(h[k], 4) for k in keep if k in h}
    return dict(steps=t.state.global_step, first=pick(logs[0]) if logs else {}, last=pick(logs[-1]) if logs else {})

def mean_sd(rows:list, k:str)->str:
    v = [r[k] for r in rows]
    return f"{statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}" if len(v) > 1 else f"{v[0]:.3f}"

def table(res:dict)->str:
    "Markdown: base, SFT, SFT+GRPO and SFT continued (mean ± sd over seeds)."
    head = "| model | " + " | ".join(KEYS) + " | steps |\n|---|" + "---|"*(len(KEYS) + 1)
    one = lambda name, m, s="": f"| {name} | " + " | ".join(f"{m[k]:.3f}" for k in KEYS) + f" | {s} |"
    arm = lambda name, rs: f"| {name} | " + " | ".join(mean_sd([r["metrics"] for r in rs], k) for k in KEYS) + \
                           f" | {statistics.mean(r['steps'] for r in rs):.0f} |"
    return "\n".join([head, one("base (random)", res["base"]), one(f"SFT ({res['sft_steps']} steps)", res["sft"], res["sft_steps"]),
                      arm(f"SFT + GRPO ({res['seconds']:.0f} s)", res["grpo"]), arm(f"SFT + more SFT ({res['seconds']:.0f} s, control)", res["control"])])

def main(sft_steps:int=300, seconds:float=120, seeds:list=(0, 1, 2), lr:float=2e-5, out:str=None, work:str=None):
    torch.set_num_threads(1) # tiny models: one thread is fastest on the shared 2-core machine
    transformers.logging.set_verbosity_error(); warnings.filterwarnings("ignore")
    work = Path(work or tempfile.mkdtemp())
    if not (work/"sft"/"metrics.json").is_file(): run_demo(str(work/"sft"), progress=False, max_steps=sft_steps) # else: reuse it
    _, _, _, train, val = demo_setup(DEMO)
    res = dict(sft_steps=sft_steps, seconds=seconds, learning_rate=lr, seeds=list(seeds), held_out=len(val),
               date=datetime.date.today().isoformat(), grpo=[], control=[])
    model, proc, task = load_trained(work/"sft"/"model", dtype=torch.float32)
    res["sft"], res["base"] = score(model, proc, val, task), score(*demo_setup(DEMO)[:2], val, task) # the demo's random start
    for seed in seeds:
        for name, fn in (("grpo", grpo_arm), ("control", sft_arm)):
            m, p, t, tr = fn(work/"sft"/"model", train, seed, seconds, lr, work/f"{name}-{seed}")
            res[name].append(dict(seed=seed, metrics=score(m, p, val, t), **summary(tr)))
            print(f"done: {name} seed {seed}: {res[name][-1]}", flush=True)
    res["environment"] = environment(model)
    print(f"\n{len(val)} held-out images, {len(seeds)} seeds, lr {lr} (both arms, constant); {res['date']}; "
          f"{res['environment']['cpus']} CPUs, 1 torch thread, torch {res['environment']['torch']}, trl {res['environment']['trl']}, "
          f"{res['environment']['parameters']/1e6:.2f} M parameters\n\n{table(res)}")
    out = Path(out or f"benchmarks/results/grpo_bench-cpu-{res['date']}.json")
    out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(res, indent=1))
    return res

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sft-steps", type=int, default=300, help="SFT steps of the starting model (the demo: %s)" % DEMO["max_steps"])
    p.add_argument("--seconds", type=float, default=120, help="training seconds of each arm after SFT (default: %(default)s)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--lr", type=float, default=2e-5, help="learning rate of both arms (default: %(default)s)")
    p.add_argument("--out", default=None, help="JSON of all results (default: benchmarks/results/grpo_bench-cpu-<date>.json)")
    p.add_argument("--work", default=None, help="folder for models and checkpoints (default: a temporary folder); an SFT model already in WORK/sft is reused")
    main(**{k.replace("-", "_"): v for k, v in vars(p.parse_args()).items()})
