package dev.elixr.models.transformer;

import dev.elixr.autograd.Var;

/** A transformer encoder's last hidden states [B,T,D] and its pooled output [B,D] (null without a pooler). */
public record EncoderOutput(Var lastHiddenState, Var pooled) {}
