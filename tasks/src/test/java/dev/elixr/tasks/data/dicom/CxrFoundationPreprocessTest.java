package dev.elixr.tasks.data.dicom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Shift-to-zero and full-range stretch on the values google/cxr-foundation's own unit tests pin down. */
class CxrFoundationPreprocessTest {
    @Test
    void stretchMatchesTheReleasedRescaleDynamicRangeExamples() {
        assertArrayEquals(new float[] {0, 32767, 65535}, CxrFoundationPreprocess.shiftAndStretch(new double[] {3, 4, 5}));
        assertArrayEquals(new float[] {0, 13107, 26214, 65535}, CxrFoundationPreprocess.shiftAndStretch(new double[] {5, 6, 7, 10}));
    }

    @Test
    void signedValuesAreShiftedToZeroFirstAndAConstantImageBecomesTheRightEnd() {
        assertArrayEquals(new float[] {0, 65535, 21845}, CxrFoundationPreprocess.shiftAndStretch(new double[] {-300, 0, -200}));
        assertArrayEquals(new float[] {65535, 65535}, CxrFoundationPreprocess.shiftAndStretch(new double[] {7, 7}));
    }
}
