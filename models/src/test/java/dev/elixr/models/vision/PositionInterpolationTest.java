package dev.elixr.models.vision;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PositionInterpolationTest {
    @ParameterizedTest
    @CsvSource({"4,4", "4,6", "6,4", "14,24", "2,7", "1,3"})
    void weightsPreserveConstantsAndIdentity(int in, int out) {
        double[][] w = PositionInterpolation.bicubicWeights(in, out);
        for (double[] row : w) {
            double s = 0;
            for (double v : row) s += v;
            assertEquals(1.0, s, 1e-12);
        }
        if (in == out) for (int i = 0; i < in; i++) assertEquals(1.0, w[i][i], 1e-12);
    }

    /** Values from torch.nn.functional.interpolate(mode="bicubic", align_corners=False) on [0, 1, 4, 9, …]. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "4;8;-0.1054688,0.1210938,0.4570312,1.609375,2.828125,5.4492188,7.9726562,9.5273438",
            "5;3;0.148149,4.0,14.0740719",
            "3;7;-0.1093292,0.0816349,0.2653066,1.0,2.3644304,3.6501446,4.3279886"})
    void matchesPyTorchOnSquares(int in, int out, String expected) {
        double[][] w = PositionInterpolation.bicubicWeights(in, out);
        String[] e = expected.split(",");
        for (int o = 0; o < out; o++) {
            double v = 0;
            for (int i = 0; i < in; i++) v += w[o][i] * i * i;
            assertEquals(Double.parseDouble(e[o]), v, 1e-5);
        }
    }
}
