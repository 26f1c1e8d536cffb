"""Per-image cost of `predict`'s confidence scores against the answer length: the incremental token offsets
(`_token_offsets`, linear) against decoding every prefix (`_prefix_offsets`, the former code, quadratic), and the
scoring's share of generation time at the longest length on the tiny model.

Answers are Qwen2-VL detection answers (special tokens, labels, coordinates) written by `Qwen2VLDialect.format`
and tokenized by the tiny offline tokenizer, cut to exactly N tokens; "scoring" is `_answer` (decode, parse,
offsets, one score per box), the work `predict` does per image after `generate`. Each timing is the minimum over
`--repeats` rounds, each round timing every length in turn. Then `predict` runs on one image with exactly `--gen-tokens` new tokens (a random model, so
`min_new_tokens` holds it to the length) and reports the time spent in `_answer` as a share of the whole call.

    PYTHONPATH=. python benchmarks/scoring_bench.py            # 64 .. 1,024 tokens, 7 repeats, 1 thread
"""
import argparse, datetime, math, os, platform, time
import torch, transformers
import vlm_od.inference as inf
from vlm_od.core import Detection, Qwen2VLDialect
from vlm_od.data import synthetic_shapes
from vlm_od.tiny import tiny_model

def answer_ids(tok, n:int)->list:
    "A Qwen2-VL answer of exactly `n` tokens: many boxes, cut at `n` (as `max_new_tokens` cuts one)."
    d = Qwen2VLDialect()
    dets = [Detection(["circle", "square", "triangle"][i % 3], (i % 90, (3*i) % 90, i % 90 + 10, (3*i) % 90 + 10)) for i in range(n)]
    ids = tok(d.format(dets, (100, 100)), add_special_tokens=False).input_ids
    assert len(ids) >= n, "answer too short"
    return ids[:n]

def best(f, repeats:int)->float:
    "Minimum wall time of `f()` over `repeats` runs, in seconds."
    out = []
    for _ in range(repeats): t = time.perf_counter(); f(); out.append(time.perf_counter() - t)
    return min(out)

def score_time(tok, ids:list, offsets_fn, repeats:int)->float:
    "Seconds `_answer` takes on `ids` with `offsets_fn` as its offset function."
    saved, inf._token_offsets = inf._token_offsets, offsets_fn
    t_ids, t_lps = torch.tensor(ids), torch.full((len(ids),), -0.1) # as `predict` hands them over
    try: return best(lambda: inf._answer(tok, t_ids, t_lps, Qwen2VLDialect(), (100, 100)), repeats)
    finally: inf._token_offsets = saved

def exponent(xs:list, ys:list)->float:
    "Least-squares slope of log(y) against log(x)."
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx)/len(lx), sum(ly)/len(ly)
    return sum((a-mx)*(b-my) for a, b in zip(lx, ly)) / sum((a-mx)**2 for a in lx)

def generation_share(model, proc, n:int)->tuple:
    "(seconds of one `predict` call generating exactly `n` tokens, seconds of it spent in `_answer`)."
    spent, orig = [0.0], inf._answer
    def timed(*a, **k):
        t = time.perf_counter(); r = orig(*a, **k); spent[0] += time.perf_counter() - t; return r
    model.generation_config.min_new_tokens = n
    inf._answer = timed
    try:
        t = time.perf_counter(); inf.predict(model, proc, synthetic_shapes(1, seed=0), Qwen2VLDialect(), max_new_tokens=n, batch_size=1, progress=False)
        return time.perf_counter() - t, spent[0]
    finally: inf._answer = orig

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lengths", type=int, nargs="+", default=[64, 128, 256, 512, 1024])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--gen-tokens", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, proc = tiny_model()
    tok = proc.tokenizer
    print(f"# scoring_bench: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} CPUs, {a.threads} thread(s), "
          f"torch {torch.__version__}, transformers {transformers.__version__}, {datetime.date.today()}")
    print(f"# tiny Qwen2-VL, offline tokenizer ({len(tok)} ids); minimum of {a.repeats} rounds per cell\n")
    print("| answer tokens | incremental ms/image | us/token | every-prefix ms/image | us/token | same offsets |")
    print("|---|---|---|---|---|---|")
    answers = {n: answer_ids(tok, n) for n in a.lengths}
    same = {n: inf._token_offsets(tok, ids) == inf._prefix_offsets(tok, ids) for n, ids in answers.items()}
    times = {(n, f): [] for n in a.lengths for f in ("new", "old")}
    for _ in range(a.repeats): # rounds over every cell, so a busy spell of the machine hits all lengths alike
        for n, ids in answers.items():
            times[n, "new"].append(score_time(tok, ids, inf._token_offsets, 1)); times[n, "old"].append(score_time(tok, ids, inf._prefix_offsets, 1))
    new, old = [min(times[n, "new"]) for n in a.lengths], [min(times[n, "old"]) for n in a.lengths]
    for n, t_new, t_old in zip(a.lengths, new, old):
        print(f"| {n:,} | {t_new*1e3:.2f} | {t_new/n*1e6:.1f} | {t_old*1e3:.2f} | {t_old/n*1e6:.1f} | {same[n]} |")
    print(f"\ngrowth exponent (time ~ tokens^k, {a.lengths[0]} to {a.lengths[-1]} tokens): incremental {exponent(a.lengths, new):.2f}, "
          f"every prefix {exponent(a.lengths, old):.2f}")
    total, scoring = generation_share(model, proc, a.gen_tokens)
    print(f"predict on one image, {a.gen_tokens:,} new tokens: {total:.2f} s in all, {scoring*1e3:.1f} ms scoring ({scoring/total:.1%})")

if __name__ == "__main__": main()
