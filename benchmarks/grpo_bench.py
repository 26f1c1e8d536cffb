"""Does a GRPO stage after SFT beat more SFT for the same training time? The CPU demo's model, held-out images, seeds.

1. SFT: the CPU demo (`vlm_od.demo.run_demo`) with fewer steps than its default, so there is room left to improve.
2. For each seed, from that same saved SFT model, back to back: the control, SFT continued (`make_trainer`, same learning
   rate); GRPO (`make_grpo_trainer`, the detection rewards); and each `--variant`, a GRPO arm that differs from GRPO in
   the settings it names (more generations, another temperature or learning rate, LoRA...).
3. Every model is scored on the demo's held-out images: mAP@50:95, mean IoU, duplicate rate, parse-failure rate.

Matching the arms' training time (`--match`): `steps` (default) first times a few steps of every arm back to back, then
gives each arm the number of steps that fills `--seconds` at its own measured pace, so a change of load on a shared
machine during the runs does not change how much an arm trains; `seconds` stops each arm after `--seconds` of wall time.
Prints a markdown table (mean and standard deviation over seeds) and writes every number, with each GRPO run's
logged rewards, reward spread, KL and completion lengths per step, to a JSON.
Usage: `python benchmarks/grpo_bench.py [--sft-steps N] [--seconds S] [--seeds 0 1 2] [--variant NAME:KEY=VALUE,...] [--out FILE]`,
e.g. `--variant t0.7:temperature=0.7 --variant lora:lora_r=16,learning_rate=2e-4`."""
import argparse, datetime, json, os, statistics, tempfile, time, warnings
from pathlib import Path
import torch, transformers, yaml
from transformers import TrainerCallback
from vlm_od.demo import DEMO, demo_setup, environment, run_demo
from vlm_od.evaluation import evaluate_model
from vlm_od.training import load_trained, lora_config, make_trainer, sft_config
from vlm_od.grpo import grpo_config, group_summary, make_grpo_trainer, sample_groups

KEYS = ("map50_95", "map50", "mean_iou", "f1", "duplicate_rate", "parse_failure_rate")
LOG_KEYS = ("reward", "reward_std", "frac_reward_zero_std", "kl", "entropy", "clip_ratio/region_mean", "rewards/det_format/mean",
            "rewards/det_f1/mean", "rewards/det_count/mean", "det/iou", "det/recall", "completions/mean_length",
            "completions/clipped_ratio", "grad_norm", "loss", "step_time")

class TimeLimit(TrainerCallback):
    "Stop training once `seconds` of training have passed (checked after each step)."
    def __init__(self, seconds:float): self.seconds = seconds
    def on_train_begin(self, args, state, control, **kwargs): self.t0 = time.time()
    def on_step_end(self, args, state, control, **kwargs):
        if time.time() - self.t0 >= self.seconds: control.should_training_stop = True

class StepTimer(TrainerCallback):
    "Wall seconds of each optimizer step (generation, rewards, forward and backward of GRPO included)."
    def __init__(self): self.times = []
    def on_step_begin(self, args, state, control, **kwargs): self.t = time.time()
    def on_step_end(self, args, state, control, **kwargs): self.times.append(time.time() - self.t)

def _value(v:str):
    "A number if `v` reads as one (YAML reads '5e-5' as a string), else YAML (booleans, strings)."
    for f in (int, float):
        try: return f(v)
        except ValueError: pass
    return yaml.safe_load(v)

def parse_variant(spec:str)->tuple:
    "'name:key=value,key=value' -> (name, {key: value}); values are numbers, booleans or strings."
    name, _, kv = spec.partition(":")
    if not name or not kv: raise ValueError(f"A variant is NAME:KEY=VALUE[,KEY=VALUE...], got {spec!r}")
    return name, {k.strip(): _value(v.strip()) for k, v in (p.split("=", 1) for p in kv.split(","))}

def score(model, proc, val, task)->dict:
    "The held-out metrics of `KEYS` (and mAP with constant scores)."
    m = evaluate_model(model, proc, val, task, batch_size=32, max_new_tokens=32*DEMO["max_objects"] + 8, progress=False).metrics
    return {k: m[k] for k in KEYS + ("map50_const",)}

def _limits(steps, seconds)->tuple:
    "(max_steps, callbacks): a fixed number of steps, or a wall-time limit."
    return (steps, []) if steps else (100_000, [TimeLimit(seconds)])

def grpo_arm(sft_dir, train, seed, lr, out, steps=None, seconds=None, lora_r=None, **kw):
    "GRPO from the saved SFT model for `steps` (or `seconds`), full fine-tuning or LoRA of rank `lora_r`; (model, processor, task, trainer)."
    model, proc, task = load_trained(sft_dir, dtype=torch.float32)
    max_steps, cbs = _limits(steps, seconds); kw.setdefault("learning_rate", lr)
    args = grpo_config(str(out), device="cpu", max_steps=max_steps, lr_scheduler_type="constant", seed=seed,
                       logging_steps=1, disable_tqdm=True, **kw)
    t = make_grpo_trainer(model, proc, train, task, args, callbacks=cbs + [StepTimer()], console_log=False,
                          peft_config=lora_config(r=lora_r, lora_alpha=2*lora_r) if lora_r else None)
    t.train(); return t.model, proc, task, t

def sft_arm(sft_dir, train, seed, lr, out, steps=None, seconds=None):
    "SFT continued from the saved SFT model for `steps` (or `seconds`), the demo's batch; (model, processor, task, trainer)."
    model, proc, task = load_trained(sft_dir, dtype=torch.float32)
    max_steps, cbs = _limits(steps, seconds)
    args = sft_config(str(out), device="cpu", max_steps=max_steps, learning_rate=lr, lr_scheduler_type="constant", seed=seed,
                      per_device_train_batch_size=DEMO["batch_size"], logging_steps=5, disable_tqdm=True)
    t = make_trainer(model, proc, train, task, args, callbacks=cbs + [StepTimer()], console_log=False)
    t.train(); return t.model, proc, task, t

def _timer(t)->StepTimer: return next(c for c in t.callback_handler.callbacks if isinstance(c, StepTimer))

def summary(t)->dict:
    "Steps, step times and the logged history (for GRPO: reward, its spread within groups, KL, lengths... per step)."
    logs = [{k: round(h[k], 5) for k in LOG_KEYS if k in h} | {"step": h["step"]} for h in t.state.log_history if "loss" in h]
    times = _timer(t).times
    return dict(steps=t.state.global_step, seconds=round(sum(times), 1), median_step_s=round(statistics.median(times), 3),
                first=logs[0] if logs else {}, last=logs[-1] if logs else {}, history=logs)

def calibrate(arms:dict, sft_dir, train, lr, work, n:int=6)->dict:
    "Median seconds per step of each arm over `n` steps after the first (warm-up), measured back to back."
    pace = {}
    for name, (fn, kw) in arms.items():
        *_, t = fn(sft_dir, train, 0, lr, work/f"calib-{name}", steps=n + 1, **kw)
        pace[name] = round(statistics.median(_timer(t).times[1:]), 3)
        print(f"pace: {name} {pace[name]} s/step (load {os.getloadavg()[0]:.1f})", flush=True)
    return pace

def start_groups(sft_dir, train, temperatures:list, n:int=32, num_generations:int=4, max_new_tokens:int=128)->dict:
    "What GRPO would learn from the SFT model at each temperature: `group_summary` of `num_generations` answers to `n` training prompts."
    model, proc, task = load_trained(sft_dir, dtype=torch.float32)
    return {str(t): {k: round(v, 4) for k, v in group_summary(sample_groups(model, proc, train[:n], task, num_generations, t, max_new_tokens),
                                                             train[:n], task).items()} for t in temperatures}

def mean_sd(v:list)->str:
    return f"{statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}" if len(v) > 1 else f"{v[0]:.3f}"

def table(res:dict)->str:
    "Markdown: base, SFT, the control and each GRPO arm (mean ± sd over seeds)."
    keys = KEYS + ("map50_const",)
    head = "| model | " + " | ".join(keys) + " | steps |\n|---|" + "---|"*(len(keys) + 1)
    one = lambda name, m, s="": f"| {name} | " + " | ".join(f"{m.get(k, float('nan')):.3f}" for k in keys) + f" | {s} |"
    arm = lambda name, rs: f"| {name} | " + " | ".join(mean_sd([r["metrics"][k] for r in rs]) for k in keys if k in rs[0]["metrics"]) + \
                           f" | {statistics.mean(r['steps'] for r in rs):.0f} |"
    rows = [head, one("base (random)", res["base"]), one(f"SFT ({res['sft_steps']} steps)", res["sft"], res["sft_steps"])]
    for name, rs in res["arms"].items():
        rows.append(arm(f"+ {name} ({res['seconds']:.0f} s{', ' + str(res['settings'][name]) if res['settings'][name] else ''})", rs))
    return "\n".join(rows)

def main(sft_steps:int=300, seconds:float=120, seeds:list=(0, 1, 2), lr:float=2e-5, variant:list=(), match:str="steps",
         calib_steps:int=6, groups:list=(), no_control:bool=False, out:str=None, work:str=None):
    torch.set_num_threads(1) # tiny models: one thread is fastest on the shared 2-core machine
    transformers.logging.set_verbosity_error(); warnings.filterwarnings("ignore")
    work = Path(work or tempfile.mkdtemp())
    if not (work/"sft"/"metrics.json").is_file(): run_demo(str(work/"sft"), progress=False, max_steps=sft_steps) # else: reuse it
    _, _, _, train, val = demo_setup(DEMO)
    variants = dict(parse_variant(v) for v in variant)
    arms = ({} if no_control else {"SFT continued (control)": (sft_arm, {})}) | {"GRPO": (grpo_arm, {})} | \
           {f"GRPO {n}": (grpo_arm, kw) for n, kw in variants.items()}
    if not seeds: arms = {} # only the SFT model's scores (and --groups)
    res = dict(sft_steps=sft_steps, seconds=seconds, learning_rate=lr, seeds=list(seeds), held_out=len(val), match=match,
               date=datetime.date.today().isoformat(), settings={n: kw for n, (_, kw) in arms.items()}, arms={n: [] for n in arms})
    sft_dir = work/"sft"/"model"
    if groups: res["start_groups"] = start_groups(sft_dir, train, groups); print(f"groups of the SFT model: {res['start_groups']}", flush=True)
    model, proc, task = load_trained(sft_dir, dtype=torch.float32)
    res["sft"], res["base"] = score(model, proc, val, task), score(*demo_setup(DEMO)[:2], val, task) # the demo's random start
    if match == "steps":
        res["pace_s_per_step"] = calibrate(arms, sft_dir, train, lr, work, calib_steps)
        res["steps_per_arm"] = {n: max(1, round(seconds/p)) for n, p in res["pace_s_per_step"].items()}
    for seed in seeds:
        for i, (name, (fn, kw)) in enumerate(arms.items()):
            lim = dict(steps=res["steps_per_arm"][name]) if match == "steps" else dict(seconds=seconds)
            load0 = os.getloadavg()[0]
            m, p, t, tr = fn(sft_dir, train, seed, lr, work/f"arm{i}-{seed}", **lim, **kw)
            res["arms"][name].append(dict(seed=seed, metrics=score(m, p, val, t), load=[round(load0, 1), round(os.getloadavg()[0], 1)], **summary(tr)))
            r = res["arms"][name][-1]
            print(f"done: {name} seed {seed}: {r['steps']} steps in {r['seconds']} s; {r['metrics']}; last log {r['last']}", flush=True)
    res["environment"] = environment(model)
    how = ("steps fitted to each arm's pace (calibrated back to back)" if match == "steps" else "wall time")
    print(f"\n{len(val)} held-out images, {len(seeds)} seeds, lr {lr} (all arms unless named, constant); {res['date']}; "
          f"{res['environment']['cpus']} CPUs, 1 torch thread, torch {res['environment']['torch']}, trl {res['environment']['trl']}, "
          f"{res['environment']['parameters']/1e6:.2f} M parameters; {seconds:.0f} s per arm matched by {how}\n\n{table(res)}")
    out = Path(out or f"benchmarks/results/grpo_bench-cpu-{res['date']}.json")
    out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(res, indent=1))
    return res

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sft-steps", type=int, default=300, help="SFT steps of the starting model (the demo: %s)" % DEMO["max_steps"])
    p.add_argument("--seconds", type=float, default=120, help="training seconds of each arm after SFT (default: %(default)s)")
    p.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2], help="seeds of the arms; none: no arm runs (with --groups)")
    p.add_argument("--lr", type=float, default=2e-5, help="learning rate of every arm that does not set its own (default: %(default)s)")
    p.add_argument("--variant", action="append", default=[], metavar="NAME:KEY=VALUE,...",
                   help="a GRPO arm differing from GRPO in these grpo_config keys, or lora_r (LoRA of that rank); repeatable")
    p.add_argument("--match", choices=("steps", "seconds"), default="steps", help="how the arms' training time is matched (default: %(default)s)")
    p.add_argument("--calib-steps", type=int, default=6, help="steps timed per arm for --match steps (default: %(default)s)")
    p.add_argument("--groups", type=float, nargs="*", default=[], metavar="T",
                   help="also record what GRPO would learn from the SFT model at these temperatures (`group_summary` of 4 answers to 32 training prompts)")
    p.add_argument("--no-control", action="store_true", help="skip the SFT-continued control")
    p.add_argument("--out", default=None, help="JSON of all results (default: benchmarks/results/grpo_bench-cpu-<date>.json)")
    p.add_argument("--work", default=None, help="folder for models and checkpoints (default: a temporary folder); an SFT model already in WORK/sft is reused")
    main(**{k.replace("-", "_"): v for k, v in vars(p.parse_args()).items()})
