"""Training and evaluation throughput of this project's configuration against the Hugging Face cookbook recipe
(TRL's collator, SDPA, batch 4, one image per `generate` call), one after the other in one process, on the same
device and data, with a Qwen2-VL-2B-shaped model of random weights built from its published configuration, or
(`--model qwen3_5_2b`) a Qwen3.5-2B-shaped one with its hybrid linear-attention layers (nothing is downloaded).

Per configuration: training samples/s and non-padding tokens/s over the steps after a warm-up, model FLOPs
utilisation, peak memory, and evaluation images/s and generated tokens/s (exactly --new-tokens per image in both
configurations); then the ratios vlm_od / cookbook. The configurations, the MFU formula and the memory
measures are documented in `nbs/11_benchmarks.ipynb` (`vlm_od.bench`). MFU (model FLOPs over the GPU's dense bf16
peak) counts (4·N_text + 2·N_trainable) per non-padding token for LoRA (forward, gradients through the frozen
weights, weight gradients of the adapters) plus 2·N_vision per image patch (the frozen vision tower runs
forward only); it leaves out attention scores and checkpointing's recomputation, and is n/a on a CPU.

    python benchmarks/gpu_bench.py --model 2b                  # on a GPU: 20 timed steps, batch 16 against 4
    python benchmarks/gpu_bench.py --model small --threads 2   # on a CPU: a tiny Qwen2-VL, small images, ~1-2 min
    python benchmarks/gpu_bench.py --model 2b --batch-size 32 --steps 30 --out results.json
    python benchmarks/gpu_bench.py --model qwen3_5_2b         # on a GPU: Qwen3.5-2B's shape (pip install flash-linear-attention causal-conv1d for the kernels)
    python benchmarks/gpu_bench.py --model 2b --sizes 56x56 --pixels 3136 3136 --steps 1 --warmup 1 --batch-size 1 \
        --cookbook-batch-size 1 --eval-images 1 --eval-batch-size 1 --new-tokens 2 --out /tmp/2b.json   # does the 2B model build and step here?

Writes JSON (every setting and metric, the machine and versions) to --out, by default
`benchmarks/results/gpu_bench-<device>-<date>.json`, and prints a markdown table.
"""
import argparse, json, re, sys, warnings
from datetime import date
from pathlib import Path
import torch
from vlm_od.bench import DEFAULTS, MODELS, bench_header, bench_table, goals_line, run_bench

def default_out(model:str)->Path:
    "benchmarks/results/gpu_bench-<device>-<date>.json (with the model size when it is not the device's default)."
    cuda = torch.cuda.is_available()
    dev = re.sub(r"[^a-z0-9]+", "-", torch.cuda.get_device_name(0).lower()).strip("-") if cuda else "cpu"
    tag = "" if model == ("2b" if cuda else "small") else f"-{model}"
    return Path(__file__).parent/"results"/f"gpu_bench-{dev}{tag}-{date.today().isoformat()}.json"

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=MODELS, default="2b" if torch.cuda.is_available() else "small",
                   help="'2b' (Qwen2-VL-2B-shaped; the default on a GPU), 'qwen3_5_2b' (Qwen3.5-2B-shaped: hybrid linear and full attention) or 'small' (tiny Qwen2-VL; the default on a CPU)")
    for k, h in (("steps", "timed training steps"), ("warmup", "training steps before the timing starts (at least 1)"),
                 ("batch-size", "vlm_od's training batch"), ("cookbook-batch-size", "the cookbook's training batch (the recipe's 4)"),
                 ("eval-images", "images to generate for, per configuration"), ("eval-batch-size", "vlm_od's images per generate call"),
                 ("new-tokens", "tokens generated per image, exactly")):
        p.add_argument(f"--{k}", type=int, default=None, help=f"{h} (default per model: {', '.join(f'{m} {DEFAULTS[m][k.replace(chr(45), chr(95))]}' for m in MODELS)})")
    p.add_argument("--sizes", nargs="+", default=None, metavar="WxH", help="image sizes, taken in turn (default: 2b and qwen3_5_2b 448x448 640x480 480x640 640x640; small 112x112 224x168 168x224 224x224)")
    p.add_argument("--pixels", nargs=2, type=int, default=None, metavar=("MIN", "MAX"), help="the processor's min_pixels and max_pixels (default: 2b 256*28*28 1024*28*28, the project's GPU range; qwen3_5_2b 256*32*32 1024*32*32, as many tokens; small 56*56 224*224)")
    p.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    p.add_argument("--out", default=None, help="JSON file to write (default: benchmarks/results/gpu_bench-<device>-<date>.json)")
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    warnings.filterwarnings("ignore")
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in a.sizes] if a.sizes else None
    r = run_bench(a.model, a.steps, a.warmup, a.batch_size, a.cookbook_batch_size, a.eval_images, a.eval_batch_size, a.new_tokens, sizes, a.pixels)
    out = Path(a.out) if a.out else default_out(a.model)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(r, indent=1, default=str))
    print(f"\n{bench_header(r)}\n\n{bench_table(r)}\n\n{goals_line(r)}\n\nwritten: {out}", flush=True)

if __name__ == "__main__": main()
