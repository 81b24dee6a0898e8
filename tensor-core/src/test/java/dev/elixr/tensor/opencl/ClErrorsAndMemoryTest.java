package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Device;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Elementwise;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors name the failing call and the status; device memory of dropped tensors is given back. */
class ClErrorsAndMemoryTest {
    static Device dev;

    @BeforeAll
    static void device() { dev = OpenClTestDevice.require(); }

    @Test
    void statusCodesAreNamedWithTheCall() {
        var e = assertThrows(OpenClException.class, () -> ClStatus.check("clEnqueueNDRangeKernel(gemm)", -5));
        assertEquals("clEnqueueNDRangeKernel(gemm) failed with CL_OUT_OF_RESOURCES (-5)", e.getMessage());
        assertEquals(-5, e.status());
        assertEquals("CL_PLATFORM_NOT_FOUND_KHR", ClStatus.name(-1001));
        assertEquals("CL_UNKNOWN_ERROR", ClStatus.name(-12345));
    }

    @Test
    void badBuildOptionsReportTheProgramAndStatus() {
        ClContext ctx = new ClContext(dev.index());
        var e = assertThrows(OpenClException.class, () -> ctx.programs().kernel("gemm", "gemm", "-DBM=(("));
        assertTrue(e.getMessage().startsWith("clBuildProgram(gemm.cl, options '-DWG="), e.getMessage());
        assertTrue(e.getMessage().contains("failed with CL_"), e.getMessage());
    }

    @Test
    void unknownKernelIsNamed() {
        ClContext ctx = new ClContext(dev.index());
        var e = assertThrows(OpenClException.class, () -> ctx.programs().kernel("index", "no_such_kernel"));
        assertTrue(e.getMessage().contains("clCreateKernel(index.cl: no_such_kernel)"), e.getMessage());
        assertTrue(e.getMessage().contains("CL_INVALID_KERNEL_NAME"), e.getMessage());
    }

    @Test
    void droppedBuffersAreReleasedUnderABudget() {
        String old = System.getProperty("elixr.opencl.budgetMiB");
        System.setProperty("elixr.opencl.budgetMiB", "24");
        try {
            ClContext ctx = new ClContext(dev.index());
            for (int i = 0; i < 40; i++) ctx.allocate(1 << 20); // 4 MiB each, 160 MiB in all, none kept
            assertTrue(ctx.liveBytes() <= 28L << 20, "live device bytes " + (ctx.liveBytes() >> 20) + " MiB over a 24 MiB budget");
        } finally {
            if (old == null) System.clearProperty("elixr.opencl.budgetMiB");
            else System.setProperty("elixr.opencl.budgetMiB", old);
        }
    }

    @Test
    void aLongChainNeedsNoHostRoundTrip() {
        Tensor x = Tensor.rand(5, 1000).to(dev);
        Tensor y = x;
        for (int i = 0; i < 200; i++) y = Elementwise.add(Elementwise.mul(y, 0.5f), x); // y -> 2x
        float[] want = Tensor.rand(5, 1000).toFloatArray(), got = y.toFloatArray();
        for (int i = 0; i < want.length; i++) assertEquals(2 * want[i], got[i], 1e-5);
    }
}
