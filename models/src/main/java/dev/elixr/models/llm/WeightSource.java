package dev.elixr.models.llm;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Where each parameter of a {@link LlamaModel} comes from, by its Hugging Face name: a checkpoint (the tensor as
 * stored — a memory-mapped BF16 weight stays BF16 — after a shape check) or a seeded initialisation (N(0, 0.02²)
 * matrices as HF's {@code initializer_range}, ones for norms, zeros for biases). Building the model straight from
 * the source means no throw-away float32 copy of a large checkpoint is ever made.
 */
public interface WeightSource {
    /** The tensor named name, of the given shape. */
    Tensor get(String name, int... shape);

    /** Norm weights: ones at initialisation. */
    default Tensor norm(String name, int dim) { return get(name, dim); }

    /** Biases: zeros at initialisation. */
    default Tensor bias(String name, int dim) { return get(name, dim); }

    /** A weight stored in a block format (GGUF), or null when name is a float tensor of this source. */
    default dev.elixr.tensor.matvec.QuantizedMatrix quantized(String name) { return null; }

    /** True when q and k weights have their rotary pairs interleaved (2i, 2i+1), as llama.cpp's GGUF files store them. */
    default boolean interleavedRope() { return false; }

    /** Seeded random weights for training from scratch. */
    static WeightSource random(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new WeightSource() {
            @Override public Tensor get(String name, int... shape) { return Tensor.normal(rng, 0f, 0.02f, shape); }
            @Override public Tensor norm(String name, int dim) { return Tensor.ones(dim); }
            @Override public Tensor bias(String name, int dim) { return Tensor.zeros(dim); }
        };
    }

    /** Tensors of a checkpoint; where names the file(s) in messages. {@link Checkpoint#unused} lists what was never asked for. */
    static Checkpoint of(Map<String, Tensor> tensors, String where) { return new Checkpoint(tensors, where); }

    /** A checkpoint's tensors by name. */
    final class Checkpoint implements WeightSource {
        private final Map<String, Tensor> tensors;
        private final String where;
        private final Set<String> used = new LinkedHashSet<>();

        Checkpoint(Map<String, Tensor> tensors, String where) {
            this.tensors = tensors;
            this.where = where;
        }

        @Override
        public Tensor get(String name, int... shape) {
            Tensor t = tensors.get(name);
            if (t == null) throw new IllegalArgumentException(where + ": missing tensor '" + name + "' " + Shape.str(shape));
            if (!java.util.Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(where + ": tensor '" + name + "' is " + Shape.str(t.shape()) + ", expected " + Shape.str(shape));
            }
            used.add(name);
            return t;
        }

        /** Norm weights and biases are small: held as float32 on the heap whatever their stored type. */
        @Override public Tensor norm(String name, int dim) { return float32(get(name, dim)); }

        @Override public Tensor bias(String name, int dim) { return float32(get(name, dim)); }

        private static Tensor float32(Tensor t) { return t.dtype() == dev.elixr.tensor.DType.F32 && t.storage().array() != null ? t : t.copy(); }

        public boolean has(String name) { return tensors.containsKey(name); }

        /** Names in the checkpoint that no parameter took (rotary inv_freq buffers of old checkpoints excepted). */
        public Set<String> unused() {
            Set<String> out = new LinkedHashSet<>(tensors.keySet());
            out.removeAll(used);
            out.removeIf(n -> n.endsWith("rotary_emb.inv_freq"));
            return out;
        }
    }
}
