package dev.elixr.models.softprompt;

import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.elixr.ElixrB;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.qformer.LanguageProjection;
import dev.elixr.models.qformer.QFormerConfig;

import java.util.SplittableRandom;

/** A tiny stage-2 stack: a 1-layer Q-Former (16 wide, 4 queries, image width 6) and a 1-layer Llama (vocab 23, width 12). */
final class SoftPromptFixtures {
    static final int VOCAB = 23, IMAGE_WIDTH = 6, QUERIES = 4, LLM_WIDTH = 12;

    private SoftPromptFixtures() {}

    static LlamaModel llm() {
        var c = new LlamaConfig("llama", VOCAB, LLM_WIDTH, 20, 1, 2, 1, 6, 1e-5f, 10000, null,
                false, false, false, false, 64, 0, 1, new int[] {2});
        return LlamaModel.random(c, 4);
    }

    static ElixrB bridge() {
        var cfg = new QFormerConfig(new QFormerConfig.Transformer(16, 1, 2, 32, 1e-12f, 0f, Activation.GELU),
                new QFormerConfig.Queries(QUERIES, 2, IMAGE_WIDTH), new QFormerConfig.Text(20, 16, 0, 19), 8);
        return ElixrB.create(cfg, new SplittableRandom(7));
    }

    static VisionLanguageModel model(LanguageProjection.Kind kind, boolean trainQFormer) {
        return new VisionLanguageModel(bridge(), new LanguageProjection(kind, 16, LLM_WIDTH, new SplittableRandom(8)), llm(), trainQFormer);
    }
}
