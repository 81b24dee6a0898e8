package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.BackwardChecks;
import dev.elixr.tensor.backend.AdamWStep;
import dev.elixr.tensor.ops.Update;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The OpenCL backend's backward and training kernels against the float64 references, on the CPU test's cases
 * ({@link BackwardChecks}) with the inputs' random layouts kept on the device. Fails in CI without a device.
 */
class OpenClBackwardTest {
    static Device target;

    @BeforeAll
    static void device() {
        target = OpenClTestDevice.require();
        OpenClOpsTest.target = target;
    }

    static Stream<Long> seeds() { return LongStream.range(0, 12).boxed(); }

    static final UnaryOperator<Tensor> ON = OpenClOpsTest::on;

    @ParameterizedTest @MethodSource("seeds") void convBackwardAndIm2colMatchReference(long seed) { BackwardChecks.convBackward(seed, ON); }

    @ParameterizedTest @MethodSource("seeds") void poolBackwardMatchesReference(long seed) { BackwardChecks.poolBackward(seed, ON); }

    @ParameterizedTest @MethodSource("seeds") void scatterAddRowsMatchesReference(long seed) { BackwardChecks.scatterAddRows(seed, ON); }

    @ParameterizedTest @MethodSource("seeds") void softmaxBackwardMatchesReference(long seed) { BackwardChecks.softmaxBackward(seed, ON); }

    @ParameterizedTest @MethodSource("seeds") void attentionProbabilitiesAndBackwardMatchReference(long seed) { BackwardChecks.attentionBackward(seed, ON); }

    @ParameterizedTest @MethodSource("seeds") void layerAndRmsNormBackwardMatchReference(long seed) { BackwardChecks.normBackward(seed, ON); }

    @ParameterizedTest @MethodSource("seeds") void batchNormForwardAndBackwardMatchReference(long seed) { BackwardChecks.batchNorm(seed, ON); }

    @ParameterizedTest @MethodSource("seeds") void crossEntropyAndItsGradientMatchReference(long seed) { BackwardChecks.crossEntropy(seed, ON); }

    @ParameterizedTest @MethodSource("seeds") void dropoutMaskEqualsSequentialSplitMix64(long seed) { BackwardChecks.dropoutMask(seed, target); }

    @ParameterizedTest @MethodSource("seeds") void adamWStepsMatchReference(long seed) { BackwardChecks.adamW(seed, ON); }

    /** Moments below Float.MIN_NORMAL are stored as +0 on the device as on the CPU (their products are exact: same bits). */
    @Test
    void adamWStoresSubnormalMomentsAsZeroAsTheCpuDoes() {
        float[] m = {1e-39f, -3e-39f, 2e-3f, 1e-3f, 0f}, v = {1e-6f, 1e-6f, 1e-40f, 1e-6f, 0f}, g = {0f, 0f, 0f, 0.5f, 0f};
        float[] w = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        AdamWStep st = new AdamWStep(1e-3, 0.9, 0.999, 1e-8, 0, 100);
        Tensor cw = Tensor.of(w.clone(), 5), cm = Tensor.of(m.clone(), 5), cv = Tensor.of(v.clone(), 5);
        Tensor dw = ON.apply(Tensor.of(w.clone(), 5)).copy(), dm = ON.apply(Tensor.of(m.clone(), 5)).copy(), dv = ON.apply(Tensor.of(v.clone(), 5)).copy();
        Update.adamW(cw, Tensor.of(g, 5), cm, cv, st);
        Update.adamW(dw, ON.apply(Tensor.of(g, 5)), dm, dv, st);
        assertArrayEquals(cm.toFloatArray(), dm.toCpu().toFloatArray(), "m");
        assertArrayEquals(cv.toFloatArray(), dv.toCpu().toFloatArray(), "v");
        assertArrayEquals(new float[] {0f, 0f}, new float[] {dm.toCpu().toFloatArray()[0], dm.toCpu().toFloatArray()[1]}, "flushed m");
        assertArrayEquals(new float[] {0f}, new float[] {dv.toCpu().toFloatArray()[2]}, "flushed v");
    }

    @ParameterizedTest @MethodSource("seeds") void sgdStepsMatchReference(long seed) { BackwardChecks.sgd(seed, ON); }
}
