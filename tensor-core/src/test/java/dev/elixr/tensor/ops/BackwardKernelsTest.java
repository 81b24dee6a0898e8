package dev.elixr.tensor.ops;

import dev.elixr.tensor.Device;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** The CPU backend's backward and training kernels equal their float64 references ({@link BackwardChecks}). */
class BackwardKernelsTest {
    static Stream<Long> seeds() { return LongStream.range(0, 30).boxed(); }

    static final UnaryOperator<dev.elixr.tensor.Tensor> HOST = t -> t;

    @ParameterizedTest @MethodSource("seeds") void convBackwardAndIm2colMatchReference(long seed) { BackwardChecks.convBackward(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void wideStridedConvBackwardMatchesReference(long seed) { BackwardChecks.wideStridedConvBackward(seed, HOST); }

    @ParameterizedTest @MethodSource("fewSeeds") void chunkedConvBackwardMatchesReference(long seed) { BackwardChecks.chunkedConvBackward(seed, HOST); }

    @ParameterizedTest @MethodSource("fewSeeds") void groupedConvBackwardInImageChunksMatchesReference(long seed) {
        BackwardChecks.chunkedGroupedConvBackward(seed, HOST);
    }

    @ParameterizedTest @MethodSource("seeds") void depthwiseConvBackwardMatchesReference(long seed) { BackwardChecks.depthwiseConvBackward(seed, HOST); }

    static Stream<Long> fewSeeds() { return LongStream.range(0, 4).boxed(); }

    @ParameterizedTest @MethodSource("seeds") void poolBackwardMatchesReference(long seed) { BackwardChecks.poolBackward(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void scatterAddRowsMatchesReference(long seed) { BackwardChecks.scatterAddRows(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void softmaxBackwardMatchesReference(long seed) { BackwardChecks.softmaxBackward(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void attentionProbabilitiesAndBackwardMatchReference(long seed) { BackwardChecks.attentionBackward(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void layerAndRmsNormBackwardMatchReference(long seed) { BackwardChecks.normBackward(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void batchNormForwardAndBackwardMatchReference(long seed) { BackwardChecks.batchNorm(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void crossEntropyAndItsGradientMatchReference(long seed) { BackwardChecks.crossEntropy(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void dropoutMaskEqualsSequentialSplitMix64(long seed) { BackwardChecks.dropoutMask(seed, Device.CPU); }

    @ParameterizedTest @MethodSource("seeds") void adamWStepsMatchReference(long seed) { BackwardChecks.adamW(seed, HOST); }

    @ParameterizedTest @MethodSource("seeds") void sgdStepsMatchReference(long seed) { BackwardChecks.sgd(seed, HOST); }
}
