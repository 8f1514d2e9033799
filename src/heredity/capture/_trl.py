"""TRL trainer arguments in normalised meaning, each trainer read by its own config and loss code.

Read against the TRL 1.16.0 source (``trl/trainer/*`` and ``trl/experimental/*``); MiniLLM, which
TRL 1.16.0 no longer ships (huggingface/trl issue 7295), is read by ``trl/experimental/minillm`` at
commit f2cd577. The same key means different things in different trainers: ``temperature`` is a
sampling temperature in GKD (its loss runs at 1.0) but the loss temperature in DistillationTrainer;
``beta`` chooses the divergence (0 forward KL, 1 reverse KL) and SDFT calls it ``distillation_alpha``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from heredity.capture._read import (
    beta_loss,
    boolean,
    integer,
    number,
    text,
    training_args,
    unit_interval,
)
from heredity.errors import BadInput

READ_BY = "1.16.0"

Read = tuple[dict[str, Any], list[str]]


def _words(names: str) -> frozenset[str]:
    return frozenset(names.split())


# Fields each TRL 1.16.0 config class adds to transformers' TrainingArguments (GKD and GOLD also
# inherit SFTConfig's; ServerDistillationConfig inherits DistillationConfig's). Keys outside every
# set (TrainingArguments, ModelConfig, ScriptArguments: model_name_or_path, dataset_name...) are kept
# raw and not interpreted.
_FIELDS_1_16 = {
    "SFTConfig": _words(
        "activation_offloading assistant_only_loss chat_template_path completion_only_loss "
        "dataset_kwargs dataset_num_proc dataset_text_field eos_token eval_packing loss_type "
        "max_length model_init_kwargs packing packing_strategy pad_to_multiple_of pad_token "
        "padding_free router_aux_loss_coef shuffle_dataset truncation_mode trust_remote_code "
    ),
    "GKDConfig": _words(
        "beta disable_dropout lmbda max_new_tokens seq_kd teacher_model_init_kwargs "
        "teacher_model_name_or_path temperature "
    ),
    "GOLDConfig": _words(
        "beta callbacks disable_dropout generation_batch_size lmbda log_completions "
        "log_completions_steps max_completion_length num_completions_to_print num_generations seq_kd "
        "teacher_model_init_kwargs teacher_model_name_or_path teacher_model_revision "
        "teacher_tokenizer_name_or_path temperature top_k top_p uld_crossentropy_weight "
        "uld_distillation_weight uld_hybrid_matched_weight uld_hybrid_unmatched_weight "
        "uld_skip_student_eos uld_skip_teacher_eos uld_student_temperature uld_teacher_temperature "
        "uld_token_merge_strategy uld_use_hybrid_loss use_extended_uld use_uld_loss use_vllm "
        "vllm_enable_sleep_mode vllm_gpu_memory_utilization vllm_group_port vllm_max_model_length "
        "vllm_mode vllm_model_impl vllm_server_base_url vllm_server_host vllm_server_port "
        "vllm_server_timeout vllm_structured_outputs_regex vllm_sync_frequency "
        "vllm_tensor_parallel_size wandb_log_unique_prompts "
    ),
    "DistillationConfig": _words(
        "beta cache_implementation chat_template_kwargs disable_dropout ds3_gather_for_generation "
        "generation_kwargs log_completions log_unique_prompts max_completion_length "
        "max_tool_calling_iterations min_p model_init_kwargs num_completions_to_print "
        "pad_to_multiple_of repetition_penalty shuffle_dataset teacher_model_init_kwargs "
        "teacher_model_name_or_path teacher_model_revision temperature top_k top_p trust_remote_code "
        "use_vllm vllm_enable_sleep_mode vllm_gpu_memory_utilization vllm_group_port "
        "vllm_max_model_length vllm_mode vllm_model_impl vllm_server_base_url vllm_server_host "
        "vllm_server_port vllm_server_timeout vllm_structured_outputs_regex vllm_tensor_parallel_size "
    ),
    "ServerDistillationConfig": _words(
        "loss_add_tail loss_top_k reverse_kl_top_1_mode teacher_model_server_url "
    ),
    "IWOPDConfig": _words(
        "beta disable_dropout distillation_objective generation_batch_size iw_opd_epsilon "
        "iw_opd_gamma lmbda log_completions log_completions_steps loss_add_tail loss_top_k "
        "max_completion_length max_length max_prompt_length model_init_kwargs "
        "num_completions_to_print num_generations reverse_kl_top_1_mode teacher_model_init_kwargs "
        "teacher_model_name_or_path teacher_model_revision teacher_model_server_url temperature top_k "
        "top_p trust_remote_code use_teacher_server use_vllm vllm_enable_sleep_mode "
        "vllm_gpu_memory_utilization vllm_group_port vllm_max_model_length vllm_mode vllm_model_impl "
        "vllm_server_base_url vllm_server_host vllm_server_port vllm_server_timeout "
        "vllm_structured_outputs_regex vllm_sync_frequency vllm_tensor_parallel_size "
    ),
    "AsyncDistillationConfig": _words(
        "add_tail_bucket beta chat_template_kwargs dtype heartbeat_stale_after_s log_completions "
        "log_completions_steps max_completion_length max_inflight_tasks max_staleness min_p "
        "model_init_kwargs num_completions_to_print queue_maxsize repetition_penalty request_timeout "
        "teacher_server_urls teacher_temperature teacher_top_k temperature token_budget top_k top_p "
        "trust_remote_code vllm_server_base_url vllm_server_timeout weight_sync_steps "
        "weight_sync_timeout "
    ),
    "SDFTConfig": _words(
        "cache_implementation chat_template_kwargs disable_dropout distillation_add_tail "
        "distillation_alpha distillation_is_clip distillation_mode distillation_topk "
        "ds3_gather_for_generation generate_from_teacher generation_batch_size generation_kwargs "
        "max_completion_length max_prompt_length min_p model_init_kwargs num_generations "
        "num_generations_eval num_iterations num_loss_tokens_to_skip repetition_penalty "
        "shuffle_dataset steps_per_generation teacher_model_kind teacher_prompt_template "
        "teacher_sync_steps teacher_update_rate temperature top_k top_p trust_remote_code "
        "use_teacher_server use_vllm vllm_enable_sleep_mode vllm_gpu_memory_utilization "
        "vllm_group_port vllm_max_model_length vllm_mode vllm_model_impl vllm_server_base_url "
        "vllm_server_host vllm_server_port vllm_server_timeout vllm_tensor_parallel_size "
    ),
    "GRPOConfig": _words(
        "beta cache_implementation cast_lm_head_to_fp32 chat_template_kwargs delta disable_dropout "
        "ds3_gather_for_generation entropy_coef entropy_coef_delta entropy_coef_max entropy_coef_min "
        "entropy_target epsilon epsilon_high generation_batch_size generation_kwargs "
        "importance_sampling_level log_completions log_completions_hub_repo log_multimodal "
        "log_unique_prompts loss_type mask_truncated_completions max_completion_length "
        "max_tool_calling_iterations min_p model_init_kwargs multi_objective_aggregation "
        "num_completions_to_print num_generations num_generations_eval num_iterations "
        "off_policy_mask_threshold pad_to_multiple_of ref_model_mixup_alpha ref_model_sync_steps "
        "repetition_penalty reward_weights router_aux_loss_coef sapo_temperature_neg "
        "sapo_temperature_pos scale_rewards shuffle_dataset steps_per_generation sync_ref_model "
        "temperature top_entropy_quantile top_k top_p transformers_continuous_batching_config "
        "trust_remote_code use_adaptive_entropy use_bias_correction_kl "
        "use_transformers_continuous_batching use_transformers_paged use_vllm vespo_k_neg vespo_k_pos "
        "vespo_lambda_neg vespo_lambda_pos vllm_enable_sleep_mode vllm_gpu_memory_utilization "
        "vllm_group_port vllm_importance_sampling_cap vllm_importance_sampling_clip_max "
        "vllm_importance_sampling_clip_min vllm_importance_sampling_correction "
        "vllm_importance_sampling_mode vllm_max_model_length vllm_mode vllm_model_impl "
        "vllm_server_base_url vllm_server_host vllm_server_port vllm_server_timeout "
        "vllm_structured_outputs_regex vllm_tensor_parallel_size "
    ),
}

_MINILLM_OWN = _words(
    "teacher_model_init_kwargs disable_dropout rkl_advantage single_step_decomposition "
    "kd_temperature gamma length_normalization"
)


def _setting(raw: Mapping[str, Any], key: str, value: Any) -> str:
    """``key=value`` and whether the config set it or the trainer's default applies."""
    shown = f"{value:g}" if isinstance(value, float) else repr(value)
    return f"{key}={shown}" + ("" if raw.get(key) is not None else " (default)")


def _num(raw: Mapping[str, Any], key: str, default: float) -> float:
    value = number(raw, key)
    return default if value is None else value


def _flag(raw: Mapping[str, Any], key: str, default: bool) -> bool:
    value = boolean(raw, key)
    return default if value is None else value


def _unit(raw: Mapping[str, Any], key: str, default: float) -> float:
    value = _num(raw, key, default)
    unit_interval(value, key)
    return value


def _positive(value: float, key: str) -> float:
    if value <= 0:
        raise BadInput(f"{key}: must be above 0, got {value:g}")
    return value


def _jsd_term(name: str, beta: float, temperature: float, **params: Any) -> dict[str, Any]:
    return {
        "name": name,
        "role": "distillation",
        "weight": 1.0,
        "loss": beta_loss(beta),
        "temperature": temperature,
        "params": {"beta": beta, **params},
    }


def _beta_note(setting: str, beta: float) -> str:
    kind = {"forward_kl": "forward KL", "reverse_kl": "reverse KL"}.get(beta_loss(beta))
    meaning = kind or "generalized JSD (mixture of student and teacher, weighted by it)"
    return f"{setting}: the divergence is {meaning} (0 = forward KL, 1 = reverse KL)"


def _gkd(raw: Mapping[str, Any]) -> Read:
    # trl/experimental/gkd/gkd_config.py:55,59,66,96 (defaults 0.9, 0.5, 0.5, False)
    temperature = _positive(_num(raw, "temperature", 0.9), "temperature")
    lmbda = _unit(raw, "lmbda", 0.5)
    beta = _unit(raw, "beta", 0.5)
    seq_kd = _flag(raw, "seq_kd", False)
    # gkd_trainer.py:431: the teacher generates only on the off-policy steps (lmbda < 1)
    teacher_generates = seq_kd and lmbda < 1.0
    notes = [
        f"GKD: {_setting(raw, 'temperature', temperature)} is the sampling temperature; the loss "
        "is called without one (gkd_trainer.py:349), so it runs at 1.0",
        _beta_note(_setting(raw, "beta", beta), beta),
        f"{_setting(raw, 'lmbda', lmbda)}: each step trains on the student's own generations "
        "with that probability (gkd_trainer.py:416), else on the dataset",
        f"{_setting(raw, 'seq_kd', seq_kd)}: "
        + (
            "on the other steps the teacher generates the completions (sequence-level KD)"
            if teacher_generates
            else (
                "never reached at lmbda=1 (every step is on-policy)"
                if seq_kd
                else "the teacher does not generate"
            )
        ),
    ]
    fields = {
        "objective": "generalized JSD between teacher and student token distributions, "
        "on a mix of dataset and student-generated completions",
        "temperature": 1.0,
        "loss": beta_loss(beta),
        "kd_weight": 1.0,
        "hard_label_weight": 0.0,
        "terms": [_jsd_term("generalized_jsd_loss", beta, 1.0)],
        "on_policy_fraction": lmbda,
        "teacher_generates": teacher_generates,
    }
    return fields, notes


def _distillation(raw: Mapping[str, Any], server: bool = False) -> Read:
    # trl/trainer/distillation_config.py:250 (temperature 1.0), :359 (beta 1.0)
    temperature = _positive(_num(raw, "temperature", 1.0), "temperature")
    beta = _unit(raw, "beta", 1.0)
    notes = [
        f"DistillationTrainer: {_setting(raw, 'temperature', temperature)} is used for sampling "
        "and for the loss (distillation_trainer.py:1918)",
        _beta_note(_setting(raw, "beta", beta), beta),
        "fully on-policy: the student generates every completion it trains on",
    ]
    params: dict[str, Any] = {}
    if server:
        # trl/experimental/server_distillation/server_distillation_config.py: loss_top_k 1, tail on
        top_k = integer(raw, "loss_top_k")
        params = {
            "loss_top_k": 1 if top_k is None else top_k,
            "loss_add_tail": _flag(raw, "loss_add_tail", True),
        }
        notes.append(
            f"ServerDistillationTrainer: the teacher is a vLLM server "
            f"({text(raw, 'teacher_model_server_url') or 'teacher_model_server_url not set'}); "
            f"the loss sees only its top {params['loss_top_k']} log-probabilities"
        )
    fields = {
        "objective": "on-policy distillation: generalized JSD on the student's own completions",
        "temperature": temperature,
        "loss": beta_loss(beta),
        "kd_weight": 1.0,
        "hard_label_weight": 0.0,
        "terms": [_jsd_term("generalized_jsd", beta, temperature, **params)],
        "on_policy_fraction": 1.0,
        "teacher_generates": False,
    }
    return fields, notes


def _server_distillation(raw: Mapping[str, Any]) -> Read:
    return _distillation(raw, server=True)


def _gold(raw: Mapping[str, Any]) -> Read:
    # trl/experimental/gold/gold_config.py:181,199,206,272 (0.9, 0.5, 0.5, False)
    temperature = _positive(_num(raw, "temperature", 0.9), "temperature")
    lmbda = _unit(raw, "lmbda", 0.5)
    beta = _unit(raw, "beta", 0.5)
    uld = _flag(raw, "use_uld_loss", False)
    notes = [
        f"{_setting(raw, 'lmbda', lmbda)}: each step is on-policy (student generations) with "
        "that probability (gold_trainer.py:1512)"
    ]
    if raw.get("seq_kd") is not None:
        notes.append(
            f"{_setting(raw, 'seq_kd', _flag(raw, 'seq_kd', False))}: GOLD stores it but never "
            "generates with the teacher (gold_trainer.py:1009), so the teacher does not generate"
        )
    fields: dict[str, Any] = {"on_policy_fraction": lmbda, "teacher_generates": False}
    if not uld:
        notes += [
            f"GOLD without ULD: {_setting(raw, 'temperature', temperature)} is the sampling "
            "temperature and the loss temperature (gold_trainer.py:2537)",
            _beta_note(_setting(raw, "beta", beta), beta),
        ]
        fields |= {
            "objective": "generalized JSD between teacher and student token distributions",
            "temperature": temperature,
            "loss": beta_loss(beta),
            "kd_weight": 1.0,
            "hard_label_weight": 0.0,
            "terms": [_jsd_term("generalized_jsd_loss", beta, temperature)],
        }
        return fields, notes
    # gold_config.py:336-348: ULD weights and its two temperatures
    ce_weight = _num(raw, "uld_crossentropy_weight", 0.0)
    kd_weight = _num(raw, "uld_distillation_weight", 1.0)
    t_student = _positive(_num(raw, "uld_student_temperature", 1.0), "uld_student_temperature")
    t_teacher = _positive(_num(raw, "uld_teacher_temperature", 1.0), "uld_teacher_temperature")
    if ce_weight < 0 or kd_weight < 0:
        raise BadInput("uld_crossentropy_weight / uld_distillation_weight: must not be negative")
    shared = t_student if t_student == t_teacher else None
    notes += [
        f"GOLD with ULD (use_uld_loss=true): {_setting(raw, 'temperature', temperature)} is only "
        "the sampling temperature; the loss softens the student's logits at "
        f"{_setting(raw, 'uld_student_temperature', t_student)} and the teacher's at "
        f"{_setting(raw, 'uld_teacher_temperature', t_teacher)} (gold_trainer.py:470)"
        + ("" if shared else "; with two temperatures no single loss temperature is recorded"),
        f"{_setting(raw, 'uld_distillation_weight', kd_weight)} weighs the ULD term "
        f"(gold_trainer.py:527); {_setting(raw, 'uld_crossentropy_weight', ce_weight)} weighs "
        "cross-entropy on the labels (gold_trainer.py:332)",
    ]
    uld_params = {"student_temperature": t_student, "teacher_temperature": t_teacher}
    terms: list[dict[str, Any]] = []
    if _flag(raw, "uld_use_hybrid_loss", False):
        matched = number(raw, "uld_hybrid_matched_weight")
        unmatched = number(raw, "uld_hybrid_unmatched_weight")
        if (matched is None) != (unmatched is None):
            raise BadInput(
                "uld_hybrid_matched_weight / uld_hybrid_unmatched_weight: set both or neither "
                "(GOLDConfig requires it)"
            )
        adaptive = matched is None
        notes.append(
            "uld_use_hybrid_loss=true: tokens both vocabularies share get generalized JSD "
            f"(beta={beta:g}), the others the sorted-probability ULD distance; "
            + (
                "their weights follow the vocabulary overlap of each run (gold_trainer.py:709), "
                "so none is recorded"
                if adaptive
                else f"weighted {matched:g} and {unmatched:g}"
            )
        )
        terms += [
            {
                "name": "uld_hybrid_matched_jsd",
                "role": "distillation",
                "weight": None if matched is None else kd_weight * matched,
                "loss": beta_loss(beta),
                "temperature": shared,
                "params": {"beta": beta, **uld_params},
            },
            {
                "name": "uld_hybrid_unmatched",
                "role": "distillation",
                "weight": None if unmatched is None else kd_weight * unmatched,
                "loss": "other",
                "temperature": shared,
                "params": uld_params,
            },
        ]
    else:
        terms.append(
            {
                "name": "uld",
                "role": "distillation",
                "weight": kd_weight,
                "loss": "other",
                "temperature": shared,
                "params": {**uld_params, "distance": "L1 between sorted probabilities"},
            }
        )
    if ce_weight > 0:
        terms.append(
            {"name": "cross_entropy", "role": "hard_label", "weight": ce_weight, "loss": "ce"}
        )
    fields |= {
        "objective": "universal logit distillation across tokenizers (sorted-probability distance)",
        "temperature": shared,
        "loss": "other",
        "kd_weight": kd_weight,
        "hard_label_weight": ce_weight,
        "terms": terms,
    }
    return fields, notes


def _iw_opd(raw: Mapping[str, Any]) -> Read:
    # trl/experimental/iw_opd/iw_opd_config.py:193,199,206,213,220,281
    temperature = _positive(_num(raw, "temperature", 1.0), "temperature")
    lmbda = _unit(raw, "lmbda", 1.0)
    beta = _unit(raw, "beta", 1.0)
    objective = text(raw, "distillation_objective") or "iw_opd"
    if objective not in ("iw_opd", "jsd"):
        raise BadInput(
            f"distillation_objective: {objective!r} is not one IWOPDConfig accepts (iw_opd, jsd)"
        )
    notes = [
        f"IW-OPD: {_setting(raw, 'temperature', temperature)} is the sampling and the loss "
        "temperature",
        f"{_setting(raw, 'lmbda', lmbda)}: share of steps on the student's own generations",
    ]
    common = {"on_policy_fraction": lmbda, "teacher_generates": False, "temperature": temperature}
    if objective == "iw_opd":
        gamma = _num(raw, "iw_opd_gamma", 0.5)
        epsilon = _num(raw, "iw_opd_epsilon", 1e-8)
        notes.append(
            f"{_setting(raw, 'distillation_objective', objective)}: sampled-token objective, the "
            "student's log-probability of each sampled token times the teacher-minus-student "
            f"log-probability, amplified by iw_opd_gamma={gamma:g} (iw_opd_trainer.py:1247); "
            "beta is not used"
        )
        term = {
            "name": "iw_opd",
            "role": "distillation",
            "weight": 1.0,
            "loss": "other",
            "temperature": temperature,
            "params": {"iw_opd_gamma": gamma, "iw_opd_epsilon": epsilon},
        }
        return common | {
            "objective": "importance-weighted on-policy distillation on sampled tokens",
            "loss": "other",
            "kd_weight": 1.0,
            "hard_label_weight": 0.0,
            "terms": [term],
        }, notes
    top_k = integer(raw, "loss_top_k")
    top_k = 1 if top_k is None else top_k
    notes += [
        _beta_note(_setting(raw, "beta", beta), beta),
        f"{_setting(raw, 'loss_top_k', top_k)}: the divergence is taken over that many tokens"
        + (" (0 = the whole vocabulary)" if top_k else ""),
    ]
    term = _jsd_term(
        "generalized_jsd",
        beta,
        temperature,
        loss_top_k=top_k,
        loss_add_tail=_flag(raw, "loss_add_tail", True),
    )
    return common | {
        "objective": "generalized JSD between teacher and student token distributions",
        "loss": beta_loss(beta),
        "kd_weight": 1.0,
        "hard_label_weight": 0.0,
        "terms": [term],
    }, notes


def _async_distillation(raw: Mapping[str, Any]) -> Read:
    # async_distillation_config.py:238 (sampling 1.0), :305 (beta 0.0), :315 (teacher_temperature 1.0)
    sampling = _positive(_num(raw, "temperature", 1.0), "temperature")
    loss_t = _positive(_num(raw, "teacher_temperature", 1.0), "teacher_temperature")
    beta = _unit(raw, "beta", 0.0)
    top_k = integer(raw, "teacher_top_k")
    top_k = 8 if top_k is None else top_k
    notes = [
        f"AsyncDistillation: {_setting(raw, 'teacher_temperature', loss_t)} is the loss "
        "temperature, applied to the teacher's log-probabilities and the student's logits "
        f"(async_distillation_trainer.py:1726); {_setting(raw, 'temperature', sampling)} only "
        "samples",
        _beta_note(_setting(raw, "beta", beta), beta),
        f"{_setting(raw, 'teacher_top_k', top_k)}: the teacher servers return that many "
        "log-probabilities per token"
        + ("; beta above 0 narrows the support to two tokens" if beta else ""),
        "always on-policy: the student generates every completion it trains on",
    ]
    term = _jsd_term(
        "generalized_jsd",
        beta,
        loss_t,
        teacher_top_k=top_k,
        add_tail_bucket=_flag(raw, "add_tail_bucket", True),
    )
    return {
        "objective": "on-policy distillation from teacher servers' top-k log-probabilities",
        "temperature": loss_t,
        "loss": beta_loss(beta),
        "kd_weight": 1.0,
        "hard_label_weight": 0.0,
        "terms": [term],
        "on_policy_fraction": 1.0,
        "teacher_generates": False,
    }, notes


def _sdft(raw: Mapping[str, Any]) -> Read:
    # sdft_config.py:251 (temperature 1.0), :394 (alpha 0.5), :398 (topk_logits), :402 (100)
    temperature = _positive(_num(raw, "temperature", 1.0), "temperature")
    alpha = _unit(raw, "distillation_alpha", 0.5)
    mode = text(raw, "distillation_mode") or "topk_logits"
    if mode not in ("sampled_token", "full_logits", "topk_logits"):
        raise BadInput(
            f"distillation_mode: {mode!r} is not one SDFTConfig accepts "
            "(sampled_token, full_logits, topk_logits)"
        )
    if mode == "sampled_token" and alpha != 1.0:
        raise BadInput(
            "distillation_alpha: distillation_mode sampled_token needs 1.0 (SDFTConfig refuses "
            f"{alpha:g})"
        )
    top_k = integer(raw, "distillation_topk") if "distillation_topk" in raw else 100
    teacher_kind = text(raw, "teacher_model_kind") or "base"
    from_teacher = _flag(raw, "generate_from_teacher", False)
    params: dict[str, Any] = {
        "distillation_alpha": alpha,
        "distillation_mode": mode,
        "teacher_model_kind": teacher_kind,
    }
    if mode == "topk_logits":
        if top_k is None:
            raise BadInput("distillation_topk: distillation_mode topk_logits needs a value")
        params |= {
            "distillation_topk": top_k,
            "add_tail": _flag(raw, "distillation_add_tail", False),
        }
    notes = [
        f"SDFT: self-distillation, the teacher is the model itself ({teacher_kind}) given the "
        "privileged context in its prompt",
        f"{_setting(raw, 'distillation_mode', mode)}"
        + (f" over the student's top {top_k} tokens" if mode == "topk_logits" else ""),
        _beta_note(_setting(raw, "distillation_alpha", alpha), alpha)
        + " (loss_utils.py:28, same convention as beta)",
        f"{_setting(raw, 'temperature', temperature)} softens both sides' logits "
        "(sdft_trainer.py:1114) and samples",
        (
            "generate_from_teacher=true: completions come from the teacher-conditioned prompt"
            if from_teacher
            else "the student generates every completion it trains on"
        ),
    ]
    return {
        "objective": "self-distillation on the student's completions toward the same model "
        "conditioned on privileged context",
        "temperature": temperature,
        "loss": "other" if mode == "sampled_token" else beta_loss(alpha),
        "kd_weight": 1.0,
        "hard_label_weight": 0.0,
        "terms": [
            {
                "name": f"self_distillation_{mode}",
                "role": "distillation",
                "weight": 1.0,
                "loss": "other" if mode == "sampled_token" else beta_loss(alpha),
                "temperature": temperature,
                "params": params,
            }
        ],
        "on_policy_fraction": 0.0 if from_teacher else 1.0,
        "teacher_generates": from_teacher,
    }, notes


def _minillm(raw: Mapping[str, Any]) -> Read:
    # trl@f2cd577 trl/experimental/minillm/minillm_config.py:62-77, minillm_trainer.py:369-405
    kd_t = _positive(_num(raw, "kd_temperature", 1.0), "kd_temperature")
    rkl = _flag(raw, "rkl_advantage", True)
    single = _flag(raw, "single_step_decomposition", True)
    gamma = _num(raw, "gamma", 0.0)
    notes = [
        "MiniLLM is not in TRL 1.16.0 (removed); read by trl/experimental/minillm at f2cd577",
        f"{_setting(raw, 'kd_temperature', kd_t)} softens teacher and student logits for the "
        "reverse-KL terms; `temperature` only samples",
        f"{_setting(raw, 'rkl_advantage', rkl)}: the per-token reverse KL enters GRPO's "
        f"advantage (discount {_setting(raw, 'gamma', gamma)})",
        f"{_setting(raw, 'single_step_decomposition', single)}: a single-step reverse-KL term "
        "is added to the loss",
        "the GRPO term uses the reward functions passed to the trainer (none in this config)",
    ]
    terms: list[dict[str, Any]] = [
        {
            "name": "grpo_policy_loss",
            "role": "distillation" if rkl else "other",
            "weight": 1.0,
            "loss": "reverse_kl" if rkl else "other",
            "temperature": kd_t if rkl else None,
            "params": {"rkl_advantage": rkl, "gamma": gamma},
        }
    ]
    if single:
        terms.append(
            {
                "name": "single_step_decomposition",
                "role": "distillation",
                "weight": 1.0,
                "loss": "reverse_kl",
                "temperature": kd_t,
            }
        )
    return {
        "objective": "reverse-KL policy optimisation of the student's own generations (MiniLLM)",
        "temperature": kd_t,
        "loss": "reverse_kl",
        "kd_weight": 1.0,
        "hard_label_weight": 0.0,
        "terms": terms,
        "on_policy_fraction": 1.0,
        "teacher_generates": False,
    }, notes


def _sft(raw: Mapping[str, Any]) -> Read:
    # trl/trainer/sft_config.py:283: loss_type nll (default) | dft | chunked_nll (alias of nll)
    loss_type = text(raw, "loss_type") or "nll"
    if loss_type not in ("nll", "dft", "chunked_nll"):
        raise BadInput(f"loss_type: {loss_type!r} is not one SFTConfig accepts (nll, dft)")
    ce = loss_type in ("nll", "chunked_nll")
    notes = [
        f"SFT: {_setting(raw, 'loss_type', loss_type)}: "
        + (
            "cross-entropy on the dataset's completions"
            if ce
            else "Dynamic Fine-Tuning, cross-entropy reweighted by the token probability"
        ),
        "no teacher in the loss: teacher-written data, if any, is a property of the dataset",
    ]
    params = {
        k: v
        for k in ("completion_only_loss", "assistant_only_loss")
        if (v := boolean(raw, k)) is not None
    }
    return {
        "objective": "supervised fine-tuning on the given data",
        "loss": "ce" if ce else "other",
        "kd_weight": 0.0,
        "hard_label_weight": 1.0,
        "terms": [
            {
                "name": loss_type,
                "role": "hard_label",
                "weight": 1.0,
                "loss": "ce" if ce else "other",
                "params": params,
            }
        ],
        "on_policy_fraction": 0.0,
        "teacher_generates": False,
    }, notes


@dataclass(frozen=True)
class _Trainer:
    name: str
    alias: str
    config: str
    fields: frozenset[str]
    read: Callable[[Mapping[str, Any]], Read]


_SFT = _FIELDS_1_16["SFTConfig"]
_DIST = _FIELDS_1_16["DistillationConfig"]
TRAINERS: tuple[_Trainer, ...] = (
    _Trainer("SFTTrainer", "sft", "SFTConfig", _SFT, _sft),
    _Trainer("GKDTrainer", "gkd", "GKDConfig", _SFT | _FIELDS_1_16["GKDConfig"], _gkd),
    _Trainer("GOLDTrainer", "gold", "GOLDConfig", _SFT | _FIELDS_1_16["GOLDConfig"], _gold),
    _Trainer("DistillationTrainer", "distillation", "DistillationConfig", _DIST, _distillation),
    _Trainer(
        "ServerDistillationTrainer",
        "server_distillation",
        "ServerDistillationConfig",
        _DIST | _FIELDS_1_16["ServerDistillationConfig"],
        _server_distillation,
    ),
    _Trainer("IWOPDTrainer", "iw_opd", "IWOPDConfig", _FIELDS_1_16["IWOPDConfig"], _iw_opd),
    _Trainer(
        "AsyncDistillationTrainer",
        "async_distillation",
        "AsyncDistillationConfig",
        _FIELDS_1_16["AsyncDistillationConfig"],
        _async_distillation,
    ),
    _Trainer("SDFTTrainer", "sdft", "SDFTConfig", _FIELDS_1_16["SDFTConfig"], _sdft),
    _Trainer(
        "MiniLLMTrainer",
        "minillm",
        "MiniLLMConfig",
        _FIELDS_1_16["GRPOConfig"] | _MINILLM_OWN,
        _minillm,
    ),
)
_ALL_FIELDS = frozenset().union(*(t.fields for t in TRAINERS))
CHOICES = ", ".join(t.alias for t in TRAINERS)


def _key(name: str) -> str:
    out = name.strip().lower().replace("_", "").replace("-", "")
    for suffix in ("trainer", "config"):
        if out.endswith(suffix) and out != suffix:
            out = out[: -len(suffix)]
    return out


_BY_KEY = {_key(t.alias): t for t in TRAINERS} | {_key(t.name): t for t in TRAINERS}


def find_trainer(name: str) -> _Trainer | None:
    """The trainer named by an alias (``gkd``) or a class name (``GKDTrainer``)."""
    return _BY_KEY.get(_key(name))


def _exclusive(trainer: _Trainer) -> frozenset[str]:
    others = frozenset().union(*(t.fields for t in TRAINERS if t is not trainer))
    return trainer.fields - others


def _infer(raw: Mapping[str, Any]) -> tuple[_Trainer, str]:
    keys = set(raw)
    found = [(t, sorted(keys & _exclusive(t))) for t in TRAINERS]
    found = [(t, k) for t, k in found if k]
    if len(found) == 1 and not (keys & (_ALL_FIELDS - found[0][0].fields)):
        trainer, own = found[0]
        return (
            trainer,
            f"trainer {trainer.name}: {', '.join(own)} is defined only by {trainer.config}",
        )
    fits = [t.alias for t in TRAINERS if not (keys & (_ALL_FIELDS - t.fields))]
    raise BadInput(
        "--trainer: which TRL trainer this config is for cannot be told from its keys "
        f"(they fit: {', '.join(fits) or 'none'}), and each reads them differently; "
        f"pass --trainer with one of: {CHOICES}"
    )


def resolve(
    raw: Mapping[str, Any], trainer: str | None, trainer_mro: Sequence[str] = ()
) -> tuple[_Trainer, list[str]]:
    """The trainer a config is for: named, else the first known class in ``trainer_mro``, else inferred."""
    if trainer:
        for name in (trainer, *trainer_mro):
            found = find_trainer(name)
            if found:
                note = [] if found is find_trainer(trainer) else [f"{trainer} read as {found.name}"]
                return found, note
        raise BadInput(
            f"--trainer: {trainer!r} is not a TRL trainer Heredity reads; choose one of: {CHOICES} "
            "(or the class name, e.g. GKDTrainer)"
        )
    chosen, inferred = _infer(raw)
    return chosen, [inferred]


def normalise_trl(
    raw: Mapping[str, Any],
    trainer: str | None = None,
    *,
    version: str | None = None,
    trainer_mro: Sequence[str] = (),
) -> tuple[dict[str, Any], list[str], str]:
    """Normalised fields, notes and the trainer's class name for a TRL trainer's arguments."""
    chosen, notes = resolve(raw, trainer, trainer_mro)
    foreign = sorted(set(raw) & (_ALL_FIELDS - chosen.fields))
    if foreign:
        owners = [t.config for t in TRAINERS if foreign[0] in t.fields]
        raise BadInput(
            f"{foreign[0]}: not a field of {chosen.config} in TRL {READ_BY} (defined by "
            f"{', '.join(owners)}); the config is for another trainer, or pass the right --trainer"
            + (f" (also: {', '.join(foreign[1:])})" if len(foreign) > 1 else "")
        )
    if version and not version.startswith(READ_BY.rsplit(".", 1)[0]):
        notes.append(f"read by TRL {READ_BY}'s source; this run used TRL {version}")
    fields, read_notes = chosen.read(raw)
    facts, fact_notes = training_args(raw)
    return fields | facts, notes + read_notes + fact_notes, chosen.name
