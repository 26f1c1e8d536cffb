"""Samples per second of vlm_od's `DetectionCollator` and of TRL's `DataCollatorForVisionLanguageModeling`
(`assistant_only_loss=True`, the training template SFTTrainer picks) on the same samples, on CPU.

Both collators get the same examples with the images already decoded (PIL), so the table compares collation alone;
the `lazy` row is `DetectionCollator` on `Sample` references, which also draws each synthetic image (what training
pays when images stay references until their batch is built). Before timing, the script checks that both
collators return identical tensors on the first batch. Each batch goes through every collator in turn (so a busy
machine slows all alike); the table gives the median over rounds.

    PYTHONPATH=. python benchmarks/collator_bench.py            # 512 samples, batch 8, 3 rounds, 1 thread
    PYTHONPATH=. python benchmarks/collator_bench.py --families qwen2_vl --rounds 5
"""
import argparse, os, platform, statistics, time, warnings
import torch, transformers, trl
from trl.chat_template_utils import get_training_chat_template
from trl.trainer.sft_trainer import DataCollatorForVisionLanguageModeling
from vlm_od.collators import DetectionCollator
from vlm_od.core import dialect_for
from vlm_od.data import load_image, synthetic_shapes
from vlm_od.task import to_example
from vlm_od.tiny import FAMILIES, tiny_processor

SIZES = ((112, 112), (224, 168), (168, 224), (224, 224)) # (width, height); a quarter of the samples each

def make_samples(n:int, seed:int=0)->list:
    "`n` synthetic samples of four image sizes with 0 to 4 objects."
    return [s for i, size in enumerate(SIZES) for s in synthetic_shapes(n//len(SIZES), size, seed=seed+i, min_objects=0, max_objects=4)]

def collators(family:str, samples:list)->dict:
    "name -> (collator, examples) for one family; images decoded once, up front, for the first two."
    proc = tiny_processor(family, max_pixels=224*224)
    d, pil = dialect_for(proc), [load_image(s) for s in samples]
    exs = [dict(to_example(s, d), images=[im]) for s, im in zip(samples, pil)]
    trl_c = DataCollatorForVisionLanguageModeling(proc, assistant_only_loss=True, chat_template=get_training_chat_template(proc))
    return {"TRL DataCollatorForVisionLanguageModeling": (trl_c, [{"messages": e["messages"], "images": e["images"]} for e in exs]),
            "vlm_od DetectionCollator": (DetectionCollator(proc), exs),
            "vlm_od DetectionCollator, lazy images": (DetectionCollator(proc), [to_example(s, d) for s in samples])}

def check_same(cs:dict, bs:int):
    "Raise unless both collators return identical tensors on the first batch."
    (trl_c, trl_x), (ours, ours_x) = list(cs.values())[:2]
    a, b = trl_c(trl_x[:bs]), ours(ours_x[:bs])
    if list(a) != list(b) or any(not torch.equal(a[k], b[k]) for k in a): raise AssertionError("collators disagree")

def bench(family:str, n:int, bs:int, rounds:int)->list:
    "Table rows for one family: median samples/s per collator over `rounds` passes, collators alternating batch by batch."
    cs = collators(family, make_samples(n))
    check_same(cs, bs)
    names, secs = list(cs), {k: [0.0]*rounds for k in cs}
    for r in range(rounds):
        for j, i in enumerate(range(0, n, bs)): # the same batch through each collator in turn: load drift hits all alike
            for k in (names if j % 2 == 0 else names[::-1]):
                coll, exs = cs[k]
                t = time.perf_counter(); coll(exs[i:i+bs]); secs[k][r] += time.perf_counter() - t
    rates = {k: [n/s for s in v] for k, v in secs.items()}
    base = statistics.median(rates[names[0]])
    return [(family, k, statistics.median(v), min(v), max(v), statistics.median(v)/base) for k, v in rates.items()]

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=512, help="samples (a multiple of 4)")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    p.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    warnings.filterwarnings("ignore")
    print(f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} CPUs, torch threads {a.threads}; "
          f"python {platform.python_version()}, torch {torch.__version__}, transformers {transformers.__version__}, trl {trl.__version__}")
    print(f"data: {a.n} synthetic_shapes samples, sizes {', '.join(f'{w}x{h}' for w, h in SIZES)}, 0-4 objects; batch {a.batch_size}; "
          f"tiny_processor(family, max_pixels=224*224) (offline tokenizer, real processor classes); median of {a.rounds} rounds\n")
    print(f"| family | collator | samples/s | range | vs TRL |\n|---|---|---:|---:|---:|")
    for fam in a.families:
        for f, k, med, lo, hi, rel in bench(fam, a.n, a.batch_size, a.rounds):
            print(f"| {f} | {k} | {med:.0f} | {lo:.0f}-{hi:.0f} | {rel:.2f}x |", flush=True)

if __name__ == "__main__": main()
