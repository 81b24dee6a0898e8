package dev.elixr.tensor.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the OpenCL 1.2 C API in the system's {@code libOpenCL.so.1} (the ICD loader), made
 * with java.lang.foreign: no JNI, no native code of ours. Loaded on first use by {@link #get()}, so that
 * machines without OpenCL never touch it. Type mapping: size_t, bitfields → long; cl_int, cl_uint, cl_bool,
 * *_info → int; handles and pointers → address.
 */
final class ClApi {
    // constants from cl.h
    static final long DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    static final int PLATFORM_NAME = 0x0902, PLATFORM_VERSION = 0x0901, PLATFORM_VENDOR = 0x0903;
    static final int DEVICE_TYPE = 0x1000, DEVICE_MAX_COMPUTE_UNITS = 0x1002, DEVICE_MAX_WORK_GROUP_SIZE = 0x1004,
            DEVICE_MAX_CLOCK_FREQUENCY = 0x100C, DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010, DEVICE_GLOBAL_MEM_SIZE = 0x101F,
            DEVICE_LOCAL_MEM_SIZE = 0x1023, DEVICE_NAME = 0x102B, DEVICE_VENDOR = 0x102C, DEVICE_VERSION = 0x102F,
            DRIVER_VERSION = 0x102D;
    static final long DEVICE_TYPE_CPU = 1 << 1, DEVICE_TYPE_GPU = 1 << 2, DEVICE_TYPE_ACCELERATOR = 1 << 3;
    static final long MEM_READ_WRITE = 1, MEM_COPY_HOST_PTR = 1 << 5;
    static final int PROGRAM_BUILD_LOG = 0x1183;
    static final int KERNEL_WORK_GROUP_SIZE = 0x11B0;
    static final int TRUE = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile ClApi instance;
    private static volatile Throwable failure;

    final MethodHandle clGetPlatformIDs, clGetPlatformInfo, clGetDeviceIDs, clGetDeviceInfo, clCreateContext,
            clCreateCommandQueue, clCreateBuffer, clEnqueueWriteBuffer, clEnqueueReadBuffer, clEnqueueCopyBuffer,
            clEnqueueFillBuffer, clCreateProgramWithSource, clBuildProgram, clGetProgramBuildInfo, clCreateKernel,
            clGetKernelWorkGroupInfo, clSetKernelArg, clEnqueueNDRangeKernel, clFinish, clFlush, clReleaseMemObject,
            clReleaseKernel, clReleaseProgram;

    private ClApi(SymbolLookup lib) {
        clGetPlatformIDs = h(lib, "clGetPlatformIDs", JAVA_INT, ADDRESS, ADDRESS);
        clGetPlatformInfo = h(lib, "clGetPlatformInfo", ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        clGetDeviceIDs = h(lib, "clGetDeviceIDs", ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        clGetDeviceInfo = h(lib, "clGetDeviceInfo", ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        clCreateContext = p(lib, "clCreateContext", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        clCreateCommandQueue = p(lib, "clCreateCommandQueue", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        clCreateBuffer = p(lib, "clCreateBuffer", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
        clEnqueueWriteBuffer = h(lib, "clEnqueueWriteBuffer", ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        clEnqueueReadBuffer = h(lib, "clEnqueueReadBuffer", ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        clEnqueueCopyBuffer = h(lib, "clEnqueueCopyBuffer", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        clEnqueueFillBuffer = h(lib, "clEnqueueFillBuffer", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        clCreateProgramWithSource = p(lib, "clCreateProgramWithSource", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        clBuildProgram = h(lib, "clBuildProgram", ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        clGetProgramBuildInfo = h(lib, "clGetProgramBuildInfo", ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        clCreateKernel = p(lib, "clCreateKernel", ADDRESS, ADDRESS, ADDRESS);
        clGetKernelWorkGroupInfo = h(lib, "clGetKernelWorkGroupInfo", ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        clSetKernelArg = h(lib, "clSetKernelArg", ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
        clEnqueueNDRangeKernel = h(lib, "clEnqueueNDRangeKernel", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        clFinish = h(lib, "clFinish", ADDRESS);
        clFlush = h(lib, "clFlush", ADDRESS);
        clReleaseMemObject = h(lib, "clReleaseMemObject", ADDRESS);
        clReleaseKernel = h(lib, "clReleaseKernel", ADDRESS);
        clReleaseProgram = h(lib, "clReleaseProgram", ADDRESS);
    }

    /** A handle for a function returning cl_int. */
    private static MethodHandle h(SymbolLookup lib, String name, MemoryLayout... args) {
        return LINKER.downcallHandle(find(lib, name), FunctionDescriptor.of(JAVA_INT, args));
    }

    /** A handle for a function returning a pointer (an object handle; status through the last argument). */
    private static MethodHandle p(SymbolLookup lib, String name, MemoryLayout... args) {
        return LINKER.downcallHandle(find(lib, name), FunctionDescriptor.of(ADDRESS, args));
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new OpenClException("libOpenCL.so.1 has no symbol " + name + " (OpenCL 1.2 needed)"));
    }

    /** The bindings; throws {@link OpenClException} with the reason when no OpenCL library can be loaded. */
    static ClApi get() {
        ClApi api = instance;
        if (api != null) return api;
        synchronized (ClApi.class) {
            if (instance != null) return instance;
            if (failure != null) throw unavailable(failure);
            try {
                SignalGuard.record();
                instance = new ClApi(SymbolLookup.libraryLookup(libraryName(), Arena.global()));
                return instance;
            } catch (IllegalArgumentException | OpenClException | UnsatisfiedLinkError e) {
                failure = e;
                throw unavailable(e);
            } finally {
                SignalGuard.restore();
            }
        }
    }

    private static String libraryName() { return System.getProperty("elixr.opencl.library", "libOpenCL.so.1"); }

    private static OpenClException unavailable(Throwable cause) {
        var e = new OpenClException("no OpenCL library: cannot load " + libraryName() + " (" + cause.getMessage()
                + "); install an OpenCL driver, e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd");
        e.initCause(cause);
        return e;
    }

    /** Invokes a handle returning cl_int and throws on a non-zero status, naming the call. */
    static void call(String name, MethodHandle h, Object... args) {
        int status;
        try {
            status = (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new OpenClException(name + " failed: " + t);
        }
        ClStatus.check(name, status);
    }

    /** Invokes a handle returning cl_int and gives the status back. */
    static int status(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new OpenClException("OpenCL call failed: " + t);
        }
    }
}
