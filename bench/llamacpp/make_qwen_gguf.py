#!/usr/bin/env python3
"""Write a Qwen2.5-0.5B-*shaped* GGUF (arch "qwen2") with random weights, for benchmarking llama.cpp.

Weights are normal(0, 0.02) in f32, RMSNorm weights are 1, q/k/v biases are small random values,
embeddings are tied (no output.weight). The tokenizer (BPE, "gpt2" model, "qwen2" pre-tokenizer) is
taken from a HF tokenizer.json so llama.cpp loads the file like a real converted model.
The shape is read from a HF config.json. No torch needed: only numpy and llama.cpp's gguf-py
(put <llama.cpp>/gguf-py on PYTHONPATH).

usage: PYTHONPATH=<llama.cpp>/gguf-py python3 make_qwen_gguf.py MODEL_DIR OUT.gguf [--seed N]
  MODEL_DIR holds config.json, tokenizer.json (and optionally tokenizer_config.json).
"""
import argparse
import json
import os

import numpy as np
import gguf


def tokenizer_arrays(model_dir, vocab_size):
    with open(os.path.join(model_dir, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    model = tok["model"]
    assert model["type"] == "BPE", model["type"]
    id_to_tok = {i: t for t, i in model["vocab"].items()}
    types = {i: gguf.TokenType.NORMAL for i in id_to_tok}
    for a in tok.get("added_tokens", []):
        id_to_tok[a["id"]] = a["content"]
        types[a["id"]] = gguf.TokenType.CONTROL if a.get("special") else gguf.TokenType.USER_DEFINED
    tokens, token_types = [], []
    for i in range(vocab_size):  # config vocab (151936) is larger than the tokenizer: pad like convert_hf_to_gguf
        if i in id_to_tok:
            tokens.append(id_to_tok[i])
            token_types.append(types[i])
        else:
            tokens.append(f"[PAD{i}]")
            token_types.append(gguf.TokenType.UNUSED)
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    return tokens, token_types, merges


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    with open(os.path.join(args.model_dir, "config.json")) as f:
        cfg = json.load(f)
    assert cfg["model_type"] == "qwen2"
    n_embd = cfg["hidden_size"]
    n_layer = cfg["num_hidden_layers"]
    n_head = cfg["num_attention_heads"]
    n_head_kv = cfg["num_key_value_heads"]
    head_dim = cfg.get("head_dim", n_embd // n_head)
    n_ff = cfg["intermediate_size"]
    n_vocab = cfg["vocab_size"]
    assert cfg.get("tie_word_embeddings", False), "this generator writes tied embeddings only"

    w = gguf.GGUFWriter(args.out, "qwen2")
    w.add_name("qwen2.5-0.5b-shape-random")
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head_kv)
    w.add_rope_freq_base(float(cfg["rope_theta"]))
    w.add_layer_norm_rms_eps(float(cfg["rms_norm_eps"]))

    tokens, token_types, merges = tokenizer_arrays(args.model_dir, n_vocab)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(token_types)
    w.add_token_merges(merges)
    w.add_bos_token_id(cfg["bos_token_id"])
    w.add_eos_token_id(cfg["eos_token_id"])
    w.add_pad_token_id(cfg["bos_token_id"])  # Qwen2.5 pads with <|endoftext|>
    w.add_add_bos_token(False)
    tc_path = os.path.join(args.model_dir, "tokenizer_config.json")
    if os.path.exists(tc_path):
        with open(tc_path) as f:
            tmpl = json.load(f).get("chat_template")
        if isinstance(tmpl, str):
            w.add_chat_template(tmpl)

    rng = np.random.default_rng(args.seed)

    def normal(*shape, std=0.02):
        # numpy shape is (rows=out_features, cols=in_features); gguf-py reverses it into ggml's ne order
        return (rng.standard_normal(shape, dtype=np.float32) * np.float32(std)).astype(np.float32)

    ones = lambda n: np.ones(n, dtype=np.float32)

    w.add_tensor("token_embd.weight", normal(n_vocab, n_embd))
    for i in range(n_layer):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", ones(n_embd))
        w.add_tensor(p + "attn_q.weight", normal(n_head * head_dim, n_embd))
        w.add_tensor(p + "attn_q.bias", normal(n_head * head_dim, std=0.01))
        w.add_tensor(p + "attn_k.weight", normal(n_head_kv * head_dim, n_embd))
        w.add_tensor(p + "attn_k.bias", normal(n_head_kv * head_dim, std=0.01))
        w.add_tensor(p + "attn_v.weight", normal(n_head_kv * head_dim, n_embd))
        w.add_tensor(p + "attn_v.bias", normal(n_head_kv * head_dim, std=0.01))
        w.add_tensor(p + "attn_output.weight", normal(n_embd, n_head * head_dim))
        w.add_tensor(p + "ffn_norm.weight", ones(n_embd))
        w.add_tensor(p + "ffn_gate.weight", normal(n_ff, n_embd))
        w.add_tensor(p + "ffn_up.weight", normal(n_ff, n_embd))
        w.add_tensor(p + "ffn_down.weight", normal(n_embd, n_ff))
    w.add_tensor("output_norm.weight", ones(n_embd))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"wrote {args.out}: {sum(1 for _ in tokens)} tokens, {len(merges)} merges")


if __name__ == "__main__":
    main()
