"""The seeded catalogue: the apps and SambaNova-provided models every tenant sees.

The base LLMs support train, evaluation, batch_predict and deploy, with hyperparameter
metadata per job type and rdu_arch shaped as api-evidence.md §1.6; the embedding model
supports batch_predict and deploy. That is enough for the whole lifecycle out of the box.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sambastudio.emulator._store import GLOBAL, Store

RDU_ARCHS = ("SN40L-8", "SN40L-16")
JOB_TYPES = ("train", "evaluation", "batch_predict")

Param = tuple[str, str, str, str, bool, dict[str, Any] | None]
"""``(name, datatype, default, description, user_modifiable, constraints)``."""


def _param(job_type: str, spec: Param) -> dict[str, Any]:
    name, datatype, default, description, modifiable, constraints = spec
    return {
        "FIELD_NAME": name,
        "DESCRIPTION": description,
        "DATATYPE": datatype,
        "TYPE_SPECIFIC_SETTINGS": {job_type: {"DEFAULT": default, "USER_MODIFIABLE": modifiable}},
        "CONSTRAINTS": constraints,
    }


def _train(rdus: int, seq: int, vocab: int) -> list[Param]:
    return [
        ("batch_size", "int", str(rdus), "Examples per step", True, {"values": [8, 16, 32]}),
        ("do_eval", "bool", "false", "Evaluate while training", True, None),
        ("eval_steps", "int", "50", "Steps between evaluations", True, {"ge": 1}),
        ("learning_rate", "float", "0.00001", "Initial learning rate", True, {"gt": 0, "le": 1}),
        (
            "lr_schedule",
            "str",
            "fixed_lr",
            "Learning rate schedule",
            True,
            {"values": ["fixed_lr", "cosine_schedule_with_warmup"]},
        ),
        ("max_seq_length", "int", str(seq), "Maximum sequence length", False, None),
        ("num_iterations", "int", "100", "Number of training steps", True, {"ge": 1, "le": 100000}),
        ("save_steps", "int", "10", "Steps between checkpoints", True, {"ge": 1}),
        ("warmup_steps", "int", "0", "Warm-up steps", True, {"ge": 0}),
        ("weight_decay", "float", "0.1", "Weight decay", True, {"ge": 0, "le": 1}),
        ("vocab_size", "int", str(vocab), "Vocabulary size", False, None),
    ]


def _evaluation(rdus: int, seq: int, vocab: int) -> list[Param]:
    return [
        ("batch_size", "int", str(rdus), "Examples per step", True, {"values": [8, 16, 32]}),
        ("max_seq_length", "int", str(seq), "Maximum sequence length", False, None),
    ]


def _batch_predict(rdus: int, seq: int, vocab: int) -> list[Param]:
    return [
        ("batch_size", "int", "1", "Inputs per batch", True, {"values": [1, 4, 8]}),
        ("max_tokens_to_generate", "int", "256", "Tokens per output", True, {"ge": 1, "le": seq}),
        ("do_sample", "bool", "false", "Sample instead of greedy decoding", True, None),
    ]


def _deploy(rdus: int, seq: int, vocab: int) -> list[Param]:
    return [
        ("model_parallel_rdus", "int", str(rdus), "RDUs per instance", True, {"values": [8, 16]}),
        (
            "num_tokens_at_a_time",
            "int",
            "10",
            "Tokens per decoding step",
            True,
            {"ge": 1, "le": 100},
        ),
        ("max_seq_length", "int", str(seq), "Maximum sequence length", False, None),
    ]


_PARAMS: dict[str, Callable[[int, int, int], list[Param]]] = {
    "train": _train,
    "evaluation": _evaluation,
    "batch_predict": _batch_predict,
    "deploy": _deploy,
}


def hyperparams_for(
    job_types: list[str], *, seq: int, vocab: int, speculative: bool
) -> dict[str, Any]:
    """``{job_type: {rdu_arch: {user_params, supports_speculative_decoding}}}``."""
    return {
        job_type: {
            arch: {
                "user_params": [
                    _param(job_type, spec)
                    for spec in _PARAMS[job_type](int(arch.rsplit("-", 1)[1]), seq, vocab)
                ],
                "supports_speculative_decoding": speculative and job_type == "deploy",
            }
            for arch in RDU_ARCHS
        }
        for job_type in job_types
    }


_APPS = (
    ("Generative Tuning", "Text generation and fine-tuning of large language models", "text"),
    ("Text Embeddings", "Sentence embeddings for search and retrieval", "text"),
)

_LLM_TYPES = ["train", "evaluation", "batch_predict", "deploy"]
_MODELS: tuple[tuple[str, int, str, list[str], str, int, int, float], ...] = (
    # name, app (index in _APPS), model_type, job types, parameters, seq, vocab, size_gb
    ("Meta-Llama-3-8B-Instruct", 0, "llm", _LLM_TYPES, "8b", 8192, 128256, 16.1),
    ("Meta-Llama-3.2-1B-Instruct", 0, "llm", _LLM_TYPES, "1b", 8192, 128256, 2.5),
    ("e5-large-v2", 1, "embedding", ["batch_predict", "deploy"], "335m", 512, 30522, 1.3),
)


def seed(store: Store, new_id: Callable[[], str], now: float) -> None:
    """Write the apps and models into an empty store (global: every tenant sees them)."""
    apps = []
    for app_name, description, input_type in _APPS:
        entry = {
            "id": new_id(),
            "name": app_name,
            "description": description,
            "playground": input_type == "text",
            "prediction_input": input_type,
            "created_at": now,
        }
        store.insert("app", entry, tenant_id=GLOBAL)
        apps.append(entry)
    for name, app, model_type, job_types, count, seq, vocab, size in _MODELS:
        model = {
            "id": new_id(),
            "name": name,
            "model_checkpoint_name": name,
            "description": f"{name}, provided by SambaNova",
            "model_type": model_type,
            "type": "Basic",
            "app_id": apps[app]["id"],
            "app_name": apps[app]["name"],
            "status": "Available",
            "sambanova_provided": True,
            "checkpoint_type": "pretrained",
            "version": 1,
            "model_size_gb": size,
            "jobTypes": job_types,
            "hyperparams": hyperparams_for(
                job_types, seq=seq, vocab=vocab, speculative=model_type == "llm"
            ),
            "params": {
                "invalidates_checkpoint": {
                    "max_seq_length": seq,
                    "model_parameter_count": count,
                    "vocab_size": vocab,
                },
                "modifiable": {},
            },
            "dependencies": [],
            "config": {},
            "owner": "sambanova",
            "created_at": now,
            "updated_at": now,
        }
        store.insert("model", model, tenant_id=GLOBAL)
