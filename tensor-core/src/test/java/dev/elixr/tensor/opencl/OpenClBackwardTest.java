package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.BackwardChecks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;
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

    @ParameterizedTest @MethodSource("seeds") void sgdStepsMatchReference(long seed) { BackwardChecks.sgd(seed, ON); }
}
