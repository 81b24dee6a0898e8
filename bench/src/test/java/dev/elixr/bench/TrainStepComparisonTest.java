package dev.elixr.bench;

import dev.elixr.models.text.TokenBatch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * That bench train's two sides train the same model: our parameter count and forward FLOPs against what the PyTorch
 * twin printed for the demo's shape (batch 32, 96x96, 64 tokens, vocabulary 281), committed here from
 * {@code /usr/bin/python3 bench/src/main/resources/dev/elixr/bench/train_bench.py 32 96 64 281 1 1 1} (PyTorch 1.13):
 * {"parameters": 1131249, "forward_gflop": 1.017905152, ...}.
 */
class TrainStepComparisonTest {
    static final long TORCH_PARAMETERS = 1_131_249;
    static final double TORCH_FORWARD_FLOPS = 1.017905152e9;

    @Test
    void theDemoModelHasAsManyParametersAsItsPyTorchTwin() {
        assertEquals(TORCH_PARAMETERS, TrainStepComparison.model(TrainStepComparison.Options.demo()).parameterCount());
    }

    @Test
    void theForwardFlopsEqualThoseThePyTorchTwinsHooksCounted() {
        assertEquals(TORCH_FORWARD_FLOPS, TrainStepComparison.forwardFlops(TrainStepComparison.Options.demo()), 1.0);
    }

    @Test
    void textsArePaddedToTheGivenLengthWithBetweenHalfAndAllTokensReal() {
        var o = TrainStepComparison.Options.demo();
        TokenBatch t = TrainStepComparison.tokens(o);
        assertEquals(64, t.length());
        assertEquals(64, t.realTokens(0));
        for (int b = 0; b < t.batch(); b++) assertTrue(t.realTokens(b) > 32 && t.realTokens(b) <= 64, "text " + b);
    }

    @Test
    void oneStepOnASmallShapeGivesALossNearLnBatch() {
        var o = new TrainStepComparison.Options(8, 32, 16, 50, 0, 1, false);
        double loss = TrainStepComparison.step(o).getAsDouble();
        assertTrue(Math.abs(loss - Math.log(8)) < 1.5, "first CLIP loss " + loss + " should be near ln 8");
    }
}
