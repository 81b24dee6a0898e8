package dev.elixr.tools;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.opencl.OpenClDevices;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;

/** {@code elixr info}: the JDK, the vector species, cores and the backends this machine offers. */
@Command(name = "info", description = "Show the JDK, SIMD vector species, cores and available backends.")
final class InfoCommand implements Runnable {
    @Override
    public void run() {
        var species = FloatVector.SPECIES_PREFERRED;
        System.out.printf("JDK          %s (%s)%n", Runtime.version(), System.getProperty("java.vm.vendor"));
        System.out.printf("OS / arch    %s %s%n", System.getProperty("os.name"), System.getProperty("os.arch"));
        System.out.printf("vector       %s: %d-bit, %d float lanes%n", species, species.vectorBitSize(), species.length());
        System.out.printf("cores        %d available, kernel threads %d (-Delixr.threads=N)%n",
                Runtime.getRuntime().availableProcessors(), Parallel.threads());
        System.out.printf("memory       max heap %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("backends     cpu: available");
        for (String line : OpenClDevices.describe()) System.out.println("             " + line);
    }
}
