package dev.elixr.tensor.opencl;

/** A failed OpenCL call, named with the call and the status code's name (e.g. CL_OUT_OF_RESOURCES). */
public final class OpenClException extends RuntimeException {
    private final int status;

    public OpenClException(String message) {
        super(message);
        this.status = 0;
    }

    public OpenClException(String call, int status, String detail) {
        super(call + " failed with " + ClStatus.name(status) + " (" + status + ")" + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.status = status;
    }

    /** The OpenCL status code (0 when the failure did not come from a call). */
    public int status() { return status; }
}
