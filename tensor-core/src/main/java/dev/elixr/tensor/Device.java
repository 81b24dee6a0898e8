package dev.elixr.tensor;

/** Where a tensor's storage lives: the host (CPU) or an accelerator reached through a backend (OpenCL). */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, OPENCL }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public static Device opencl(int index) { return new Device(Kind.OPENCL, index); }

    /** Parses "cpu", "opencl" or "opencl:N". */
    public static Device parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("cpu")) return CPU;
        if (t.equals("opencl")) return opencl(0);
        if (t.startsWith("opencl:")) {
            try {
                return opencl(Integer.parseInt(t.substring(7)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device: '" + s + "' is not cpu, opencl or opencl:N");
            }
        }
        throw new IllegalArgumentException("device: '" + s + "' is not cpu, opencl or opencl:N");
    }

    @Override public String toString() { return kind == Kind.CPU ? "cpu" : "opencl:" + index; }
}
